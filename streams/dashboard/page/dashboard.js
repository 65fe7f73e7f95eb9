// The dashboard's page: follows /dashboard/events and places what the worker computed
// (streams/dashboard/view.py); it computes nothing itself. Text goes in as textContent;
// the charts are SVG built by the worker with every label escaped.
"use strict";

const OWNER_COLUMNS = ["", "unsolved", "solved", "replies", "reopens", "first reply median", "first reply p90",
                       "full resolution median", "full resolution p90"];
const HOOTDESK_COLUMNS = ["", "open", "conversations", "first response (avg)", "handle time (avg)", "presence"];
const ZONES = ["UTC", "Europe/Paris", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo"];

const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(location.search);
let source = null;

// Each choice is a value, or a [value, label] pair; a label that changed is shown anew.
// New choices go into `into`: the select itself or one of its groups.
function options(select, choices, chosen, into = select) {
  for (const choice of choices) {
    const [value, label] = Array.isArray(choice) ? choice : [choice, choice];
    const known = [...select.options].find((o) => o.value === value);
    if (known) known.text = label;
    else into.append(new Option(label, value));
  }
  select.value = chosen;
}

// A team is a Zendesk group ("group:ID") or a Hootdesk team ("team:ID").
const teamGroup = (value) => $(value.startsWith("team:") ? "hootdesk-teams" : "zendesk-teams");

function figures(list, counts) {
  list.replaceChildren(...Object.entries(counts).map(([name, count]) => {
    const item = document.createElement("div");
    const term = document.createElement("dt");
    const value = document.createElement("dd");
    term.textContent = name;
    value.textContent = count;
    value.id = `${list.id}-${name.toLowerCase()}`;
    item.append(term, value);
    return item;
  }));
}

function table(element, columns, rows) {
  const head = document.createElement("tr");
  for (const name of columns) head.append(Object.assign(document.createElement("th"), { textContent: name }));
  element.replaceChildren(head, ...rows.map(({ owner, cells }) => {
    const row = document.createElement("tr");
    row.dataset.owner = owner;
    for (const text of cells) row.append(Object.assign(document.createElement("td"), { textContent: text }));
    return row;
  }));
}

function show(view) {
  $("now").textContent = `${view.now} (${view.time_zone})`;
  $("today-date").textContent = view.today.date;
  figures($("today"), view.today.by_status);
  $("backlog-total").textContent = view.backlog.total;
  figures($("backlog"), view.backlog.by_status);
  $("backlog-median-age").textContent = view.backlog.median_age;
  $("backlog-oldest-age").textContent = view.backlog.oldest_age;
  $("backlog-chart").innerHTML = view.backlog_chart;
  $("reply-chart").innerHTML = view.reply_chart;
  options($("team"), view.teams, view.team, $("zendesk-teams"));
  options($("team"), view.hootdesk_teams, view.team, $("hootdesk-teams"));
  // A team is one desk's: the other desk's cards are hidden.
  for (const card of document.querySelectorAll("[data-side]")) card.hidden = !view.sides.includes(card.dataset.side);
  table($("team-rows"), OWNER_COLUMNS, view.team_rows);
  table($("agent-rows"), OWNER_COLUMNS, view.agent_rows);
  figures($("open-conversations"), view.open_conversations);
  table($("hootdesk-agent-rows"), HOOTDESK_COLUMNS, view.hootdesk_agent_rows);
  $("available-now").textContent = view.available_now.join(", ") || "no one";
  table($("hootdesk-team-rows"), HOOTDESK_COLUMNS, view.hootdesk_team_rows);
}

function connection(state) {
  const shown = $("connection");
  shown.textContent = { live: "live", lost: "reconnecting…" }[state];
  shown.className = `connection ${state}`;
}

function follow() {
  if (source) source.close();
  const chosen = new URLSearchParams({ timezone: $("timezone").value, team: $("team").value });
  history.replaceState(null, "", `?${chosen}`);
  source = new EventSource(`/dashboard/events?${chosen}`);
  source.onmessage = (message) => { connection("live"); show(JSON.parse(message.data)); };
  source.onerror = () => {
    connection("lost");
    // The browser retries by itself while the worker is unreachable; an error answer
    // (a worker still starting) closes the stream for good, so open it again.
    if (source.readyState === EventSource.CLOSED) setTimeout(follow, 2000);
  };
}

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
options($("timezone"), [browserZone, ...ZONES], query.get("timezone") || browserZone);
const chosenTeam = query.get("team") || "";
options($("team"), chosenTeam ? [chosenTeam] : [], chosenTeam, teamGroup(chosenTeam));
$("timezone").onchange = follow;
$("team").onchange = follow;
follow();
