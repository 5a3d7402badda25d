from tests.users.people import clock, directory, sessions, store  # noqa: F401
