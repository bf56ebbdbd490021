"""The ``kerjasama`` console script: Django's management commands under one name.

``kerjasama setup``, ``kerjasama demo``, ``kerjasama import FILE`` and the rest are management
commands of the project's apps; anything Django offers (``migrate``, ``shell``...) works too.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. ``kerjasama import agreements.xlsx --dry-run``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kerjasama.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["kerjasama", *args])


if __name__ == "__main__":
    main()
