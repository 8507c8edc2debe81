from bms_desktop.cli import main

raise SystemExit(main())
