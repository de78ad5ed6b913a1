"""`veche initiatives tick`: scheduled initiative work, for installations that run cron, not Celery beat."""

from veche.initiatives import services
from veche.petitions.commands import TickCommand


class Command(TickCommand):
    help = "Scheduled work on initiatives."
    tick_help = (
        "Archive initiatives whose support window ended, open scheduled votes on options, "
        "publish the results of closed votes with a clear winner, and escalate initiatives whose "
        "official answer is past its day (once each, telling the municipality's officials and admins)."
    )

    def run(self) -> str:
        done = services.initiatives_tick()
        return (
            f"archived {done['archived']} expired initiatives, opened {done['voting']} votes, "
            f"published {done['decided']} results, escalated {done['escalated']} overdue initiatives"
        )
