import sys

from orchestration.bench.cli import main

sys.exit(main())
