from outreach_planner.cli import main

raise SystemExit(main())
