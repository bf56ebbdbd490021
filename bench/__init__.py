"""Benchmarks of the agreement list, the statistics and the spreadsheet import (``make bench``)."""
