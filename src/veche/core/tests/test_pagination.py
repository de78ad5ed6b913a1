"""CappedPaginator: an ordinary paginator below its cap; past it, one bounded count and a capped pager."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from veche.accounts.models import User
from veche.core.pagination import CappedPaginator


@pytest.mark.parametrize(
    ("rows", "count", "capped", "pages"), [(9, 9, False, 3), (10, 10, False, 3), (11, 10, True, 3)]
)
def test_the_count_stops_at_the_cap(rows, count, capped, pages):
    paginator = CappedPaginator(list(range(rows)), 4, cap=10)

    assert (paginator.count, paginator.capped, paginator.num_pages) == (count, capped, pages)
    # Past the last page: the last page, as Paginator does; its rows stop at the cap.
    assert list(paginator.get_page(99)) == list(range(8, count))


@pytest.mark.django_db
def test_a_queryset_is_counted_once_with_a_limit_and_without_its_order(make_user):
    for i in range(5):
        make_user(f"person{i}")
    paginator = CappedPaginator(User.objects.order_by("-username"), 2, cap=3)

    with CaptureQueriesContext(connection) as queries:
        page = paginator.get_page(1)
        assert (paginator.count, paginator.capped) == (3, True)
    assert [user.username for user in page] == ["person4", "person3"]
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1
    assert "LIMIT 4" in counts[0] and "ORDER BY" not in counts[0]


@pytest.mark.django_db
def test_a_page_of_a_queryset_is_found_by_its_ids_then_fetched_in_order(make_user):
    for i in range(7):
        make_user(f"person{i}")
    paginator = CappedPaginator(User.objects.order_by("-username"), 3, cap=100)
    assert paginator.count == 7

    with CaptureQueriesContext(connection) as queries:
        middle, last = paginator.page(2), paginator.page(3)

    assert [user.username for user in middle] == ["person3", "person2", "person1"]
    assert [user.username for user in last] == ["person0"]
    assert (middle.has_next(), last.has_next(), last.start_index()) == (True, False, 7)
    # Two queries a page: the ids (LIMIT/OFFSET over the ordering), then those rows by id.
    assert len(queries.captured_queries) == 4
    assert "OFFSET 3" in queries.captured_queries[0]["sql"] and "IN (" in queries.captured_queries[1]["sql"]


def pager(page, query: str = "", **options) -> str:
    """The pager partial every paged list includes, rendered for a request with `query`."""
    request = RequestFactory().get(f"/list/{query}")
    return render_to_string("_pager.html", {"page": page, **options}, request=request)


def test_the_pager_keeps_the_list_s_query_and_changes_only_its_page():
    html = pager(Paginator(range(50), 10).page(2), "?category=light&page=2")

    assert 'href="?category=light&amp;page=1">Предыдущая</a>' in html
    assert 'href="?category=light&amp;page=3">Следующая</a>' in html
    assert "Страница 2 из 5" in html


def test_the_pager_takes_an_anchor_and_its_words_and_says_when_its_count_is_capped():
    html = pager(CappedPaginator(range(50), 10, cap=30).page(1), anchor="#discussion", next_label="Older")

    assert '<a href="?page=2#discussion">Older</a>' in html
    assert "Страница 1 из более чем 3" in html


@pytest.mark.language("en")
def test_the_pager_speaks_english_when_the_site_does():
    assert "Page 1 of 2" in pager(Paginator(range(20), 10).page(1))


def test_a_single_page_has_no_pager():
    assert pager(Paginator(range(5), 10).page(1)).strip() == ""
