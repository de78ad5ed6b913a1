"""The hostile suites walk the authorization matrix's world."""

from tests.authz.test_matrix import _built_world, world  # noqa: F401 - fixtures
