from events.downstream import Minutes
from projections import rollups
from projections.rollups import Contribution
from projections.ticket_metrics import ticket_metrics
from tests.projections.tickets_story import ANA, BOB, at, comment, created, fold_ticket, people, schedule, status
from projections.state import ProjectionState

ANSWERED = Contribution(unsolved=False, reopens=1, replies=2, reply_time=Minutes(30, 20), full_resolution_time=Minutes(90, 60))
WAITING = Contribution(unsolved=True, reopens=0, replies=0, reply_time=None, full_resolution_time=None)


def _state(*pairs):
    state = rollups.initial()
    for ticket_id, given in pairs:
        state = rollups.apply(state, {ticket_id: given})
    return state


def test_rollup_adds_up_the_tickets_an_owner_holds():
    # given Ana holds ticket 1 (solved) and ticket 2 (waiting)
    state = _state((1, ANSWERED), (2, WAITING))
    # then
    assert rollups.rollup("agent:11", state) == rollups.Rollup(
        owner="agent:11", unsolved_tickets=1, solved_tickets=1, reopens=1, replies=2,
        replied_tickets=1, reply_minutes=Minutes(30, 20), resolved_tickets=1, full_resolution_minutes=Minutes(90, 60),
    )


def test_a_ticket_counts_once_however_often_its_contribution_arrives():
    assert _state((1, WAITING), (1, ANSWERED), (1, ANSWERED)) == _state((1, ANSWERED))


def test_a_batch_of_changes_gives_what_its_changes_give_one_by_one():
    batch = rollups.apply(_state((1, ANSWERED), (3, WAITING)), {1: None, 2: WAITING, 3: ANSWERED})
    assert batch == _state((1, ANSWERED), (3, WAITING), (1, None), (2, WAITING), (3, ANSWERED))


def test_a_ticket_that_left_is_no_longer_counted():
    state = _state((1, ANSWERED), (2, WAITING), (1, None))
    assert rollups.rollup("agent:11", state).solved_tickets == 0
    assert rollups.rollup("agent:11", state).unsolved_tickets == 1


def test_an_owner_without_tickets_has_zero_totals():
    empty = rollups.rollup("group:3", rollups.initial())
    assert (empty.unsolved_tickets, empty.reply_minutes, empty.full_resolution_minutes) == (0, Minutes(0, 0), Minutes(0, 0))


def test_owners_are_the_current_assignee_and_group():
    ticket = fold_ticket([created(at("03-02 09:00"), assignee_id=ANA, group_id=3)])
    assert rollups.owners(ticket) == ("agent:11", "group:3")
    assert rollups.owners(fold_ticket([created(at("03-02 09:00"))])) == ()


def test_contribution_of_a_solved_ticket():
    # given a ticket Bob answered after 30 minutes and solved after an hour
    account = ProjectionState()
    for event in people() + [schedule()]:
        account.apply(event)
    ticket = fold_ticket([created(at("03-02 09:00"), assignee_id=BOB), comment(at("03-02 09:30"), BOB),
                          status(at("03-02 10:00"), "solved")])
    # when
    given = rollups.contribution(ticket, ticket_metrics(ticket, account.account))
    # then
    assert given == Contribution(unsolved=False, reopens=0, replies=1, reply_time=Minutes(30, 30),
                                 full_resolution_time=Minutes(60, 60))


def test_owner_name_is_the_agent_or_group_name_in_the_directory():
    # given the directory of Ana (user 11) and group 3, "Support"
    state = ProjectionState()
    state.fold(people())
    # when
    names = [rollups.owner_name(owner, state.directory_parts) for owner in ("agent:11", "group:3", "agent:99", "group:9")]
    # then: no name for a user or group the directory does not know
    assert names == ["Ana Agent", "Support", None, None]
    assert rollups.rollup("group:3", rollups.initial(), "Support").owner_name == "Support"
