"""The `parcelwatch` command.

`main` parses the arguments and runs one command; `display` prints shipments
and orders for a terminal. The top of the import graph: it may import
anything, and nothing imports it.
"""
