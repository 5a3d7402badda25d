"""What the line's own window asks of the runtime besides the station operations (``ops_station``): who may log in."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspector.api.operations import Caller


class WindowOps:
    def op_login_users(self, args: dict, caller: Caller) -> list[dict[str, Any]]:
        """The active users' names and roles for the login screen's buttons: on the local socket only (the line's
        own touchscreen, guarded by the socket's file mode); over the network the user types the name."""
        if not caller.local:
            return []
        return [{"name": u.name, "role": u.role.value} for u in self.logins.users.users()]
