"""The export in Polis's CSV format reads back with the engine's reader: the same statements, the same
latest votes, the groups of the last map; and the public export leaves out what voters do not see."""

import pytest

from veche.deliberation.engine.polis import read_polis
from veche.deliberation.models import Statement
from veche.deliberation.selectors import (
    export_comments,
    export_participants_votes,
    export_votes,
    map_view,
    statements_to_moderate,
)
from veche.deliberation.services import deliberation_import_polis, map_recompute, statement_add, vote_cast
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, shown
from veche.deliberation.tests.test_import import LONDON

pytestmark = pytest.mark.django_db


def _write(folder, deliberation, everything=False):
    folder.mkdir()
    (folder / "comments.csv").write_text(
        export_comments(deliberation, everything=everything), encoding="utf-8"
    )
    (folder / "votes.csv").write_text(
        "".join(export_votes(deliberation, everything=everything)), encoding="utf-8"
    )
    (folder / "participants-votes.csv").write_text(export_participants_votes(deliberation), encoding="utf-8")
    return read_polis(folder)


def test_an_imported_conversation_exports_the_same_votes(municipality, tmp_path, monkeypatch):
    monkeypatch.setattr("veche.deliberation.selectors.EXPORT_CHUNK", 100)  # several chunks
    original = read_polis(LONDON)
    deliberation = deliberation_import_polis(actor=None, source=LONDON, municipality=municipality, title="L")
    map_recompute(deliberation=deliberation)

    everything = _write(tmp_path / "all", deliberation, everything=True)
    public = _write(tmp_path / "public", deliberation)

    assert {(c.id, c.moderated, c.text) for c in everything.comments} == {
        (c.id, c.moderated, c.text) for c in original.comments
    }
    assert everything.matrix().values.tolist() == original.matrix().values.tolist()
    assert {c.moderated for c in public.comments} == {1}
    header = (tmp_path / "public" / "participants-votes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("participant,group-id,")


def test_the_public_export_has_no_pending_statement(municipal_admin, municipality, resident, tmp_path):
    deliberation = open_deliberation(municipal_admin, municipality, statements=SEEDS[:2])
    statement_add(author=resident, deliberation=deliberation, text="Ещё не проверено")
    vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[0], value=-1)

    public = _write(tmp_path / "public", deliberation)

    assert [c.text for c in public.comments] == list(SEEDS[:2])
    assert [c.author for c in public.comments] == [-1, -1]
    assert [(v.voter, v.vote) for v in public.votes] == [(1, -1)]


def test_the_moderation_queue_has_the_pending_first(municipal_admin, municipality, resident):
    deliberation = open_deliberation(municipal_admin, municipality, statements=SEEDS[:2])
    waiting = statement_add(author=resident, deliberation=deliberation, text="Ждёт проверки")
    assert list(statements_to_moderate(deliberation))[0] == waiting


def test_the_map_view_names_its_statements(municipality, django_assert_num_queries):
    deliberation = deliberation_import_polis(actor=None, source=LONDON, municipality=municipality, title="L")
    map_recompute(deliberation=deliberation)
    with django_assert_num_queries(2):
        view = map_view(deliberation)
    assert view.map is not None and view.new_votes == 0
    named = {int(r["statement"]) for reps in view.map.result["repness"].values() for r in reps}
    assert named <= set(view.statements)
    assert all(isinstance(s, Statement) for s in view.statements.values())
