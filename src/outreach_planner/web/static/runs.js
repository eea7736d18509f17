/* Runs, re-planning and the files to print: the second half of the page. */
"use strict";

function runTitle(run) {
  const d = new Date(run.date + "T00:00:00");
  const wd = WORDS[S.lang].weekdays[(d.getDay() + 6) % 7];
  const [y, m, day] = run.date.split("-");
  return `${wd} ${day}/${m}/${y}` + (S.settings && S.settings.vehicles > 1 ? ` · ${t("vehicle")} ${run.vehicle}` : "");
}

function hm(iso) { return iso && iso.length > 5 ? iso.slice(11, 16) : iso; }

function renderRuns() {
  const box = $("runs");
  box.replaceChildren();
  const runs = currentRuns();
  $("runs-empty").hidden = !!runs;
  if (!runs) return;
  runs.forEach((run, i) => {
    const card = el("section", null, "run");
    card.dataset.run = run.id;
    const timed = run.timed;
    const problems = (timed && timed.problems) || [];
    if (problems.length) card.classList.add("broken");
    const h = el("h3");
    const sw = el("span", null, "swatch"); sw.style.background = RUN_COLOURS[i % RUN_COLOURS.length];
    h.append(sw, el("span", runTitle(run)));
    if (timed) {
      const lunch = Array.isArray(timed.lunch) ? timed.lunch : timed.lunch ? [timed.lunch.start, timed.lunch.end] : null;
      h.append(el("span", `· ${t("depart")} ${hm(timed.depart)} · ${t("back")} ${hm(timed.return)}` +
        (lunch ? ` · ${t("lunch")} ${hm(lunch[0])}–${hm(lunch[1])}` : ""), "muted"));
    }
    card.append(h);
    for (const p of problems.filter((p) => !p.seq)) card.append(el("p", problemText(p), "problems"));
    const table = el("table", null, "visits");
    const head = el("tr");
    for (const k of ["seq", "stop", "arrival", "broadcast", "leave"]) head.append(el("th", t(k)));
    table.append(head);
    const visits = timed ? timed.visits : [];
    visits.forEach((v, n) => {
      const tr = el("tr", null, "visit");
      tr.draggable = true;
      tr.dataset.stop = v.stop_id; tr.dataset.run = run.id; tr.dataset.pos = String(n);
      const mine = problems.filter((p) => p.seq === n + 1);
      if (mine.length) tr.classList.add("bad");
      const stop = S.byId[v.stop_id];
      const isLocked = stop && (stop.locked || "").split(";").includes(run.vehicle > 1 ? `${run.date}/${run.vehicle}` : run.date);
      tr.append(el("td", n + 1), el("td", v.stop_name + (isLocked ? ` 🔒` : "")),
        el("td", hm(v.arrival), "t"), el("td", `${hm(v.start)}–${hm(v.end)}`, "t"), el("td", hm(v.depart), "t"));
      tr.addEventListener("click", () => selectStop(v.stop_id));
      tr.addEventListener("dragstart", (ev) => { ev.dataTransfer.setData("text/plain", JSON.stringify({ run: run.id, pos: n })); });
      addDrop(tr, run.id, n);
      table.append(tr);
      for (const p of mine) {
        const pr = el("tr"); const td = el("td", problemText(p), "problems"); td.colSpan = 5; pr.append(td); table.append(pr);
      }
    });
    const zone = el("tr", null, "dropzone"); const ztd = el("td", t("drop_here")); ztd.colSpan = 5; zone.append(ztd);
    addDrop(zone, run.id, visits.length);
    table.append(zone);
    card.append(table);
    box.append(card);
  });
  highlightVisits();
}

function problemText(p) {
  return fmt(t("p_" + p.code), p);
}

function highlightVisits() {
  for (const tr of document.querySelectorAll("tr.visit")) tr.classList.toggle("selected", tr.dataset.stop === S.selected);
}

function addDrop(tr, runId, pos) {
  tr.addEventListener("dragover", (ev) => { ev.preventDefault(); tr.classList.add("over"); });
  tr.addEventListener("dragleave", () => tr.classList.remove("over"));
  tr.addEventListener("drop", (ev) => {
    ev.preventDefault(); tr.classList.remove("over");
    const from = JSON.parse(ev.dataTransfer.getData("text/plain"));
    moveVisit(from.run, from.pos, runId, pos);
  });
}

/* Drag a visit: the runs it touches are re-timed by the server, nothing is saved. */
async function moveVisit(fromRun, fromPos, toRun, toPos) {
  const runs = (S.runsEdit || S.runsSaved).map((r) => Object.assign({}, r, { order: [...r.order] }));
  const src = runs.find((r) => r.id === fromRun), dst = runs.find((r) => r.id === toRun);
  const [sid] = src.order.splice(fromPos, 1);
  if (src === dst && toPos > fromPos) toPos -= 1;
  dst.order.splice(toPos, 0, sid);
  const touched = src === dst ? [dst] : [src, dst];
  const others = {};
  for (const r of runs) others[r.id] = r.order;
  const started = performance.now();
  for (const r of touched) {
    const path = `/api/runs/${r.date}${r.vehicle > 1 ? "/" + r.vehicle : ""}/timing`;
    const res = await api("POST", path, { order: r.order, others });
    if (res.status !== 200) { $("reorder-msg").textContent = (res.data && res.data.error) || `HTTP ${res.status}`; return; }
    r.timed = res.data;
  }
  window.lastRetimeMs = performance.now() - started;
  S.runsEdit = runs;
  S.touched = new Set([...(S.touched || []), ...touched.map((r) => r.id)]);
  const broken = runs.some((r) => r.timed && r.timed.problems && r.timed.problems.length);
  $("reorder-bar").hidden = false;
  $("reorder-msg").textContent = broken ? t("order_bad") : t("order_ok");
  $("reorder-msg").className = broken ? "bad" : "";
  $("reorder-keep").disabled = broken;
  $("reorder-keep").title = t("keep_hint");
  renderRuns(); drawRoutes();
}

async function keepOrder() {
  const runs = {};
  for (const r of S.runsEdit) if (S.touched.has(r.id)) runs[r.id] = r.order;
  const r = await api("POST", "/api/runs/keep", { runs }, { "If-Match": S.version });
  if (r.status !== 202) {
    $("reorder-msg").className = "bad";
    if (r.status === 409) { await reloadAll(); $("reorder-msg").textContent = t("conflict"); return; }
    $("reorder-msg").textContent = r.status === 423 ? t("busy")
      : r.data && r.data.problems ? r.data.problems.map((p) => p.expected).join("; ") : (r.data && r.data.error) || `HTTP ${r.status}`;
    return;
  }
  S.runsEdit = null; S.touched = null;
  $("reorder-bar").hidden = true;
  S.job = r.data.job;
  window.planStarted = performance.now();
  $("job").hidden = false; $("diff").replaceChildren();
  showTab("result");
  setBusy(true);
  pollJob();
}

function undoOrder() {
  S.touched = null;
  S.runsEdit = null;
  $("reorder-bar").hidden = true;
  renderRuns(); drawRoutes();
}

/* ---------- re-plan ---------- */

async function startPlan(fresh) {
  if (fresh && !window.confirm(t("confirm_fresh"))) return;
  const r = await api("POST", "/api/plan", { fresh });
  if (r.status !== 202) { status(r.status === 423 ? t("busy") : (r.data && r.data.error) || `HTTP ${r.status}`, "bad"); return; }
  S.job = r.data.job; S.lastJob = null;
  window.planStarted = performance.now();
  $("job").hidden = false; $("diff").replaceChildren();
  showTab("result");
  setBusy(true);
  pollJob();
}

function setBusy(busy) {
  $("replan").disabled = busy; $("fresh").disabled = busy;
  status(busy ? t("job_running") : "");
}

async function pollJob() {
  const r = await api("GET", `/api/jobs/${S.job}`);
  const j = r.data;
  if (j.state === "running") {
    const phases = WORDS[S.lang].phases || {};
    $("job-phase").textContent = `${t("job_running")} ${phases[j.progress.phase] || j.progress.phase} (${j.elapsed_s} s)`;
    $("job-progress").max = j.progress.total || 1; $("job-progress").value = j.progress.done;
    setTimeout(pollJob, 400);
    return;
  }
  window.planMs = performance.now() - window.planStarted;
  $("job").hidden = true; setBusy(false);
  S.lastJob = j;
  renderResult();
  if (j.state === "done") await reloadAll();
}

function renderResult() {
  const j = S.lastJob, diff = $("diff");
  diff.replaceChildren();
  if (!j) return;
  if (j.state === "done") {
    diff.append(el("p", t("job_done"), "msg ok"));
    for (const w of j.not_written || []) diff.append(el("p", w, "msg warn"));
    renderDiff(j.diff, diff);
  } else if (j.state === "cancelled") diff.append(el("p", t("job_cancelled")));
  else diff.append(el("p", `${t("job_failed")} ${j.error}`, "msg"));
}

function renderDiff(d, box) {
  if (d.first_plan) { box.append(el("p", t("first_plan"))); }
  else if (!d.runs.length) box.append(el("p", t("no_change")));
  const ul = el("ul");
  const names = (list, extra) => list.map((s) => s.name + (extra ? " " + extra(s) : "")).join(", ");
  for (const c of d.runs || []) {
    const parts = [];
    if (c.added.length) parts.push(t("d_added", { list: names(c.added) }));
    if (c.removed.length) parts.push(t("d_removed", { list: names(c.removed) }));
    if (c.moved_in.length) parts.push(t("d_moved_in", { list: names(c.moved_in, (s) => t("d_from", { run: s.from })) }));
    if (c.moved_out.length) parts.push(t("d_moved_out", { list: names(c.moved_out, (s) => t("d_to", { run: s.to })) }));
    if (c.retimed.length) parts.push(t("d_retimed", { list: names(c.retimed, (s) => `${s.old}→${s.new}`) }));
    ul.append(el("li", `${runTitle({ date: c.run.slice(0, 10), vehicle: Number(c.run.slice(11) || 1) })}: ${parts.join("; ")}`));
  }
  box.append(ul);
  if (!d.first_plan) box.append(el("p", t("d_kept", { kept: d.kept, comparable: d.comparable, pct: d.kept_pct })));
  const p = d.people_reached;
  if (p.old !== null && p.old !== undefined) {
    const delta = p.new - p.old;
    box.append(el("p", t("d_people", { old: num(p.old), new: num(p.new), delta: (delta >= 0 ? "+" : "") + num(delta) })));
  }
}

/* ---------- lists ---------- */

function renderUnassigned() {
  const ul = $("unassigned-list");
  ul.replaceChildren();
  $("unassigned-head").hidden = !S.plan;
  if (S.plan && !S.plan.unassigned.length) ul.append(el("li", t("none"), "muted"));
  for (const u of (S.plan && S.plan.unassigned) || []) {
    const li = el("li");
    const b = el("button", u.stop_name, "secondary"); b.type = "button";
    b.addEventListener("click", () => selectStop(u.stop_id));
    li.append(b, el("div", reasonText(S.lang, u), "bad"));
    ul.append(li);
  }
}

function fileLink(name, label) {
  const a = el("a", label); a.href = "/files/" + encodeURIComponent(name); a.target = "_blank"; a.rel = "noopener";
  return a;
}

function renderFiles() {
  const ul = $("files");
  ul.replaceChildren();
  if (!S.plan) { ul.append(el("li", t("files_none"))); return; }
  for (const [name, key] of [["index.html", "f_index"], ["week-overview.pdf", "f_week"],
      ["calendar.ics", "f_calendar"], ["schedule.csv", "f_schedule"], ["plan.json", "f_plan"]]) {
    const li = el("li"); li.append(fileLink(name, t(key))); ul.append(li);
  }
  const mondays = [...new Set(S.plan.runs.map((r) => {
    const d = new Date(r.date + "T00:00:00Z"); d.setUTCDate(d.getUTCDate() - (d.getUTCDay() + 6) % 7);
    return d.toISOString().slice(0, 10);
  }))];
  for (const monday of mondays) {
    const [y, m, d] = monday.split("-");
    const a = el("a", t("kit", { week: `${d}/${m}/${y}` }));
    a.href = `/kit/driver-kit-${monday}.zip`;
    const li = el("li"); li.append(a); ul.append(li);
  }
  for (const run of S.plan.runs) {
    const li = el("li");
    li.append(el("span", runTitle(run) + ": "), fileLink(`run-${run.id}.pdf`, t("route_pdf")), " · ",
      fileLink(`run-${run.id}.html`, t("map_html")), " · ", fileLink(`run-${run.id}.gpx`, t("gpx")));
    ul.append(li);
  }
}

/* ---------- edit history ---------- */

async function renderHistory() {
  const r = await api("GET", "/api/history");
  const table = $("history");
  table.replaceChildren();
  if (r.status !== 200) return;
  $("undo").disabled = r.data.undoable === null;
  const changes = r.data.changes;
  if (!changes.length) { table.append(el("caption", t("no_history"))); return; }
  const head = el("tr");
  for (const k of ["h_time", "stop", "h_field", "h_change"]) head.append(el("th", t(k)));
  table.append(head);
  let shown = 0;
  for (let i = changes.length - 1; i >= 0 && shown < 200; i--) {
    const c = changes[i];
    if (c.field !== "id" && changes.some((o) => o.edit === c.edit && o.stop === c.stop && o.field === "id")) continue;
    shown++;
    const stop = S.byId[c.stop];
    const what = c.field === "id" ? t(c.old ? "h_removed" : "h_added") : c.field;
    const undo = c.action.startsWith("undo ") ? ` (${t("h_undo", { n: c.action.slice(5) })})` : "";
    const tr = el("tr");
    tr.append(el("td", `#${c.edit} ${c.time.slice(5, 16).replace("T", " ")}`, "t"),
      el("td", stop ? stop.name : c.stop), el("td", what + undo),
      el("td", c.field === "id" ? "" : `${c.old || "∅"} → ${c.new || "∅"}`));
    table.append(tr);
  }
}

async function undoEdit() {
  const r = await api("POST", "/api/history/undo", {}, { "If-Match": S.version });
  const msg = $("history-msg");
  if (r.status === 200) {
    await reloadAll();
    msg.className = "msg ok"; msg.textContent = t("undone", { n: r.data.undone });
  } else if (r.status === 422 && r.data.problems && r.data.problems[0].field === "undo") {
    msg.className = "msg"; msg.textContent = t("nothing_to_undo");
  } else await handleWrite(r, msg);
}

/* ---------- page ---------- */

function showTab(name) {
  for (const b of document.querySelectorAll("#tabs button")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  for (const p of document.querySelectorAll(".pane")) p.hidden = p.id !== "pane-" + name;
  if (name === "stop" && map) setTimeout(() => map.invalidateSize(), 0);
}

function applyLang() {
  document.documentElement.lang = S.lang;
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll("[data-i18n-placeholder]")) e.placeholder = t(e.dataset.i18nPlaceholder);
  document.title = t("title");
  $("lang").textContent = t("switch_lang");
  drawLegend(); renderRuns(); renderUnassigned(); renderFiles(); renderHistory(); renderResult();
  if (S.selected) renderStop();
}

async function main() {
  initMap();
  const session = await api("GET", "/api/session");
  S.csrf = session.data.csrf;
  if (!localStorage.getItem("outreach-lang") && WORDS[session.data.lang]) S.lang = session.data.lang;
  const [settings, communes] = await Promise.all([api("GET", "/api/settings"), api("GET", "/api/communes")]);
  S.settings = settings.data;
  drawCommunes(communes.data);
  await reloadAll();
  fitAll();
  applyLang();
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
  showTab("stop");
  $("lang").addEventListener("click", () => { S.lang = S.lang === "vi" ? "en" : "vi"; localStorage.setItem("outreach-lang", S.lang); applyLang(); });
  $("replan").addEventListener("click", () => startPlan(false));
  $("fresh").addEventListener("click", () => startPlan(true));
  $("job-cancel").addEventListener("click", () => api("DELETE", `/api/jobs/${S.job}`));
  $("stop-form").addEventListener("submit", saveStop);
  $("close-stop").addEventListener("click", closeStop);
  $("show-radius").addEventListener("change", drawRadius);
  $("merge").addEventListener("click", () => {
    const other = $("merge-with").value;
    if (other) stopAction("POST", `/api/stops/${encodeURIComponent(S.selected)}/merge`, { other });
  });
  $("split").addEventListener("click", () => stopAction("POST", `/api/stops/${encodeURIComponent(S.selected)}/split`, {}));
  $("remove").addEventListener("click", () => stopAction("DELETE", `/api/stops/${encodeURIComponent(S.selected)}`,
    undefined, t("confirm_remove", { name: S.byId[S.selected].name })));
  $("add-click").addEventListener("click", () => { S.adding = true; document.body.classList.add("adding"); $("add-msg").className = "msg ok"; $("add-msg").textContent = t("click_map"); });
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && S.adding) { S.adding = false; document.body.classList.remove("adding"); $("add-msg").textContent = ""; } });
  $("add-place").addEventListener("submit", (ev) => { ev.preventDefault(); const p = $("place").value.trim(); if (p) addStop({ place: p }); });
  $("reorder-undo").addEventListener("click", undoOrder);
  $("reorder-keep").addEventListener("click", keepOrder);
  $("undo").addEventListener("click", undoEdit);
  $("unlock").addEventListener("click", () => stopAction("PATCH", `/api/stops/${encodeURIComponent(S.selected)}`, { locked: "" }));
  if (session.data.replan_running) status(t("busy"));
  document.body.dataset.ready = "1";
  window.pageReadyMs = performance.now();
}

main();
