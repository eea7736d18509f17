from outreach_planner.bench.cli import main

raise SystemExit(main())
