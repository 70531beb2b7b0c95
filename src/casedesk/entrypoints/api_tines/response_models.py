"""What the Tines dialect answers, as models for `/openapi.json` (Tines publishes no OpenAPI).

They document the answers; the routes build plain dicts (in `mapping.py`) and are not run
through these models, so the API tests validate real answers against them to keep the two in
step. Unknown members are refused for the same reason. Names start with `Tines` so that they
never meet a schema of Datadog's contract in the one document.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TinesNobody(Answer):
    """An empty object: where a user is expected but there is none."""


class TinesPerson(Answer):
    """The `user_id` shape of assignee lists, comments and subscribers."""

    user_id: int
    first_name: str
    last_name: str
    email: str
    avatar_url: str | None
    is_service_account: bool


class TinesCaseUser(Answer):
    """A user inside the case object; a user casedesk no longer holds shows only its `id`."""

    id: int | str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    is_service_account: bool | None = None


class TinesPage(Answer):
    current_page: str | None
    previous_page: str | None
    next_page: str | None
    next_page_number: int | None
    per_page: int
    pages: int
    count: int


class TinesSubStatus(Answer):
    name: str


class TinesTag(Answer):
    id: int
    name: str


class TinesTeamRef(Answer):
    id: int
    name: str


class TinesActivity(Answer):
    id: int
    action: str
    value: str
    user: TinesCaseUser | TinesNobody
    created_at: str
    # Present when the user was named as the author by a caller acting on their behalf.
    submitted_by: TinesCaseUser | TinesNobody | None = None


class TinesButton(Answer):
    id: int
    button_type: str
    url: str
    label: str
    button_text: str


class TinesClosureCondition(Answer):
    name: str
    formula: str


class TinesCaseRecord(Answer):
    id: int
    results: list[dict[str, Any]]


class TinesCase(Answer):
    case_id: int
    name: str
    description: str
    status: str
    sub_status: TinesSubStatus
    url: str
    metadata: dict[str, Any]
    author: TinesCaseUser | None
    opened_by: TinesCaseUser | None
    resolved_by: TinesCaseUser | None
    assignees: list[TinesCaseUser | None]
    tags: list[TinesTag]
    team_case_actions: list[TinesActivity]
    team: TinesTeamRef | None
    team_case_buttons: list[TinesButton]
    closure_conditions: list[TinesClosureCondition]
    linked_cases: list[int]
    opened_at: str | None
    resolved_at: str | None
    created_at: str | None
    updated_at: str | None
    records: list[TinesCaseRecord]
    priority: str | None


class TinesCaseList(Answer):
    cases: list[TinesCase]
    meta: TinesPage


class TinesAssignees(Answer):
    case_id: int
    assignees: list[TinesPerson | TinesNobody]
    meta: TinesPage


class TinesReactant(Answer):
    user_id: int
    user_name: str
    reacted_at: str


class TinesReaction(Answer):
    emoji: str
    reactants: list[TinesReactant]


class TinesComment(Answer):
    case_id: int
    id: int
    action: str
    value: str
    user: TinesPerson | TinesNobody
    created_at: str
    updated_at: str
    reactions: list[TinesReaction]


class TinesSubscription(Answer):
    case_id: int | None
    id: int
    user: TinesPerson | TinesNobody


class TinesSubscribers(Answer):
    case_id: int | None
    subscribers: list[TinesPerson | TinesNobody]
    meta: TinesPage


class TinesButtons(Answer):
    case_id: int
    team_case_buttons: list[TinesButton]


class TinesCaseButton(TinesButton):
    case_id: int


class TinesMetadata(Answer):
    case_id: int
    metadata: dict[str, Any]


class TinesLinkedCase(Answer):
    case_id: int
    name: str


class TinesLinkedCases(Answer):
    case_id: int
    name: str
    linked_cases: list[TinesLinkedCase]


class TinesFileFields(Answer):
    filename: str
    url: str
    content_type: str
    sha256: str
    md5: str
    sizeinbytes: int


class TinesFile(Answer):
    case_id: int
    id: int
    action: str
    value: str
    file: TinesFileFields
    user: TinesPerson | TinesNobody
    created_at: str


class TinesTeam(Answer):
    id: int
    name: str
    key: str


class TinesTeamList(Answer):
    teams: list[TinesTeam]
    meta: TinesPage


class TinesRecord(Answer):
    id: int
    results: list[dict[str, Any]]
    created_at: str


class TinesErrorDetail(Answer):
    type: str
    message: str
    field: str | None
    failing_conditions: list[TinesClosureCondition] | None = None


class TinesError(Answer):
    """Every Tines error; `failing_conditions` comes with the 422 of a refused close."""

    error: TinesErrorDetail


# Route name → the model of its success answer.
ANSWERS: dict[str, type[Answer]] = {
    "list_teams": TinesTeamList,
    "get_team": TinesTeam,
    "create_record": TinesRecord,
    "get_record": TinesRecord,
    "create_case": TinesCase,
    "list_cases": TinesCaseList,
    "get_case": TinesCase,
    "update_case": TinesCase,
    "assignees": TinesAssignees,
    "comment": TinesComment,
    "add_reaction": TinesComment,
    "remove_reaction": TinesComment,
    "subscribe": TinesSubscription,
    "subscribers": TinesSubscribers,
    "list_buttons": TinesButtons,
    "add_button": TinesCaseButton,
    "update_button": TinesCaseButton,
    "get_metadata": TinesMetadata,
    "add_metadata": TinesMetadata,
    "update_metadata": TinesMetadata,
    "get_metadata_key": TinesMetadata,
    "linked_cases": TinesLinkedCases,
    "link_case": TinesLinkedCases,
    "attach_file": TinesFile,
    "file_info": TinesFile,
}
