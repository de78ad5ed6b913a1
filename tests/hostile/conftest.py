"""The hostile suites walk the authorization matrix's world."""

from tests.authz.test_matrix import other_admin, world  # noqa: F401 - fixtures
