"""Appeals on receipts and in a person's activity: a signature under an appeal is counted on its chain."""

from django.utils.translation import gettext_lazy as _

from veche.appeals.models import Appeal, AppealSignature
from veche.petitions.activity import register_endorsements

register_endorsements(
    Appeal,
    AppealSignature,
    kind="signature",
    yours=_("Your signature under the appeal “{}”"),
    entry=_("A signature under the appeal “{}”"),
)
