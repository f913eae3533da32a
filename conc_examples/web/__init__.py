"""The network examples' local aiohttp server (127.0.0.1 only) and chapter 8's crawler."""
