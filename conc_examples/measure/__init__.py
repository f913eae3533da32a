"""Measuring: repeated timings, interleaved rounds, the machine's ceiling, CPU use.

Everything a page measures goes through here, explained once in chapter 9's "How this
site measures": :mod:`.timing` (a :class:`~.timing.Timing` keeps every run),
:mod:`.rounds` (contenders and the ceiling in the same rounds), :mod:`.ceiling` (N
independent processes: what no parallel program here can beat), :mod:`.timeline`
(who ran when), :mod:`.gil`, :mod:`.convoy` and :mod:`.pool_costs` (chapters 4, 12
and 5), :mod:`.netstat` and :mod:`.oslimits` (what the OS counts), :mod:`.machine`
(the caption every figure carries) and :mod:`.overview` (the landing page's figure).
"""
