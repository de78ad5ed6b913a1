"""What the poll tests share besides fixtures."""

from veche.polls.models import Poll


def option_ids(poll: Poll) -> list[int]:
    """The ids of the poll's options, in their order on the ballot."""
    return list(poll.options.order_by("position").values_list("pk", flat=True))
