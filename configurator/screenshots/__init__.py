"""Screenshots of the application, rendered offscreen on the demo fleet (developer tools).

Four sets, each ``python -m configurator.screenshots[.SET] [OUTDIR]`` (default:
``resources/screenshots``): the main window (``window``, also the package's own command), the
pages of functions brought within reach (``reach``), the 2N configuration file editor
(``configfile``) and site-scale work (``site``). They drive
the whole application, so they sit above ``app`` (not in ``ui/``); ``common`` holds what the
sets share.
"""
