"""`veche appeals tick`: the scheduled appeal work, for installations that run cron, not Celery beat."""

from veche.appeals import services
from veche.petitions.commands import TickCommand


class Command(TickCommand):
    help = "Scheduled work on appeals."
    tick_help = (
        "Escalate appeals whose official answer is past its day: once each, "
        "telling the municipality's officials and admins."
    )

    def run(self) -> str:
        return f"escalated {services.appeals_escalate_overdue()} overdue appeals"
