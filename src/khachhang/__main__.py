"""``python -m khachhang``: the command line (see :mod:`khachhang.cli`)."""

from khachhang.cli import main

raise SystemExit(main())
