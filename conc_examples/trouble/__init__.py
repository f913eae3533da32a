"""Chapter 11's programs that go wrong on purpose: hung programs to dump with py-spy,
and programs stopped by a real Ctrl-C or SIGTERM, each in a process of its own."""
