"""Click's own words, marked here so that `pybabel extract` puts them in our catalog.

Click translates them with the process-wide `gettext.gettext`, which `izle` binds to the izle
catalog in the chosen language (data.i18n.use_language_process_wide). The msgids must be
exactly click's (click 8.x: core.py, exceptions.py, formatting.py, parser.py, types.py); this
module is never imported.
"""

from izle.data.i18n import N_, ngettext

N_("Usage:")
N_("Options")
N_("Commands")
N_("Show this message and exit.")
N_("default: {default}")
N_("env var: {var}")
N_("required")
N_("Error: {message}")
N_("Try '{command} {option}' for help.")
N_("Invalid value for {param_hint}: {message}")
N_("Invalid value: {message}")
N_("Missing argument")
N_("Missing option")
N_("Missing parameter: {param_name}")
N_("Missing command.")
N_("No such option {name!r}.")
N_("No such command {name!r}.")
N_("Aborted!")
N_("{value} is not in the range {range}.")
N_("{value!r} is not a valid {number_type}.")
N_("{name} {filename!r} does not exist.")
N_("{name} {filename!r} is a directory.")
N_("{name} {filename!r} is a file.")
N_("file")
N_("directory")
N_("path")
ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 0)
ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 0)
ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 0)
ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 0)
