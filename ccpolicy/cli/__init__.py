"""The ``ccpolicy`` command line: parse arguments, call the API, print."""
