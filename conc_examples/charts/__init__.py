"""The figures: each takes what :mod:`conc_examples.measure` returned and draws it
with the ideal beside it, the estimator named once, and the machine caption."""
