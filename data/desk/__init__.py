"""The desk: every rule of a session at one terminal (see `core`), cut along its seams:

- `answers`: the typed outcomes a lookup, a list or a search gives;
- `sentences`: what each outcome says to a person, one table for every front door;
- `forms`: what a person typed, checked before the register is asked;
- `login`: logins and the role each mode admits; `session`: the person logged in;
- `misses`: what follows from lookups that found nothing;
- `audited`: the audit row written before anything is shown.
"""

from izle.data.desk.answers import Consequence, ListAnswer, LookupAnswer, Outcome
from izle.data.desk.core import Desk
from izle.data.desk.forms import LOWEST_YEAR, FormProblem, LookupRequest
from izle.data.desk.login import LoginOutcome, LoginResult
from izle.data.desk.session import Session
from izle.data.limits import Limits
from izle.data.modes import OPERATOR_ROLES, Mode, ModeProfile

__all__ = ["LOWEST_YEAR", "OPERATOR_ROLES", "Consequence", "Desk", "FormProblem", "Limits",
           "ListAnswer", "LoginOutcome", "LoginResult", "LookupAnswer", "LookupRequest", "Mode",
           "ModeProfile", "Outcome", "Session"]
