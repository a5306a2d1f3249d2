from timeout_lint.cli import main

raise SystemExit(main())
