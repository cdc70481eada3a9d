import sys

from fieldwork.cli import main

sys.exit(main())
