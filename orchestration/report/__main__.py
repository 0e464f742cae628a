import sys

from orchestration.report.build import main

sys.exit(main())
