"""Counts and amounts for people are grouped by thousands as each language writes them; ids, links and
values a script reads stay plain."""

from decimal import Decimal

import pytest
from django.utils import translation

from veche.core.templatetags.veche import quantity
from veche.core.testing import localised_numbers
from veche.polls.models import Poll

NBSP = "\u00a0"  # the no-break space Russian groups thousands with (Django's and CLDR's Russian format)


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("ru", 13_149_803, f"13{NBSP}149{NBSP}803"),
        ("en", 13_149_803, "13,149,803"),
        ("ru", Decimal("1500000.00"), f"1{NBSP}500{NBSP}000"),
        ("en", Decimal("1500000.00"), "1,500,000"),
        ("ru", Decimal("2500.5"), f"2{NBSP}500,5"),
        ("en", 999, "999"),
        ("ru", None, None),
        ("ru", "", ""),
    ],
)
def test_quantity(language, value, shown):
    with translation.override(language):
        assert quantity(value) == shown


@pytest.mark.parametrize(("language", "shown"), [("ru", f"13{NBSP}149{NBSP}803"), ("en", "13,149,803")])
def test_the_population_on_the_home_page(client_for, municipality, language, shown):
    municipality.population = 13_149_803
    municipality.save()
    page = client_for(language=language).get("/").content.decode()
    assert shown in page
    assert "13149803" not in page
    assert localised_numbers(page) == []


@pytest.mark.parametrize(("language", "shown"), [("ru", f"12{NBSP}345 голосов"), ("en", "12,345 votes")])
def test_vote_counts_are_grouped_and_links_stay_plain(client_for, make_poll, language, shown):
    poll = make_poll()
    # The count is grouped; the poll's link and every number a script reads stay as they are.
    Poll.objects.filter(pk=poll.pk).update(votes_count=12_345)
    page = client_for(language=language).get("/m/testgrad/polls/").content.decode()
    assert shown in page
    assert f"/m/testgrad/polls/{poll.pk}/" in page
    assert localised_numbers(page) == []
    detail = client_for(language=language).get(f"/m/testgrad/polls/{poll.pk}/").content.decode()
    assert shown.split(" ")[0] in detail and localised_numbers(detail) == []
