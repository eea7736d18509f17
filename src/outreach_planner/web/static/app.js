/* The planning page: plain JavaScript over the HTTP API (docs/api.md).
   Every name from the data goes into the page as text (textContent), never as HTML. */
"use strict";

const S = {
  lang: localStorage.getItem("outreach-lang") || "vi",
  csrf: "", version: "", stops: [], byId: {}, plan: null, settings: null,
  selected: null, adding: false, job: null, runsEdit: null, runsSaved: null,
};
const RUN_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                     "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
const $ = (id) => document.getElementById(id);
const t = (key, values) => fmt((WORDS[S.lang][key] ?? WORDS.vi[key] ?? key), values);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function num(n) {
  return S.lang === "vi" ? Number(n).toLocaleString("vi-VN") : Number(n).toLocaleString("en-GB");
}

/* ---------- the API ---------- */

async function api(method, path, body, extra) {
  const headers = Object.assign({ "Content-Type": "application/json" }, extra || {});
  if (method !== "GET") headers["X-CSRF-Token"] = S.csrf;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  if (r.status === 401 && data && data.access_required) {
    await askAccess();
    return api(method, path, body, extra);
  }
  return { status: r.status, data };
}

function askAccess() {
  return new Promise((resolve) => {
    const dlg = $("access");
    $("access-form").onsubmit = async (ev) => {
      ev.preventDefault();
      const r = await fetch("/api/login", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code: $("access-code").value.trim() }) });
      if (r.status === 200) { dlg.close(); resolve(); } else { $("access-msg").textContent = t("access_wrong"); }
    };
    if (!dlg.open) dlg.showModal();
  });
}

function status(text, kind) {
  const s = $("status");
  s.textContent = text || "";
  s.className = kind || "";
}

/* ---------- map ---------- */

let map, stopLayer, routeLayer, communeLayer, radiusCircle, dragMarker, depotMarker, tiles;

function initMap() {
  map = L.map("map", { preferCanvas: true, zoomControl: true }).setView([12.25, 107.6], 11);
  communeLayer = L.layerGroup().addTo(map);
  routeLayer = L.layerGroup().addTo(map);
  stopLayer = L.layerGroup().addTo(map);
  const legend = L.control({ position: "bottomleft" });
  legend.onAdd = () => { const d = el("div", null, "legend"); d.id = "legend"; return d; };
  legend.addTo(map);
  map.on("click", onMapClick);
  // Tiles only when the computer is online: offline, nothing leaves this computer.
  const addTiles = () => {
    if (tiles || !navigator.onLine) return;
    tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
      { maxZoom: 19, attribution: "© OpenStreetMap contributors" }).addTo(map);
    tiles.bringToBack();
  };
  addTiles();
  window.addEventListener("online", addTiles);
  if (!navigator.onLine) status(t("offline"));
}

function drawLegend() {
  const d = $("legend");
  const box = el("details");
  box.open = window.innerWidth > 760;  // a phone keeps the small map clear
  box.append(el("summary", t("legend_title")));
  const rows = [["#bdbdbd", "l0"], ["#9ecae1", "l1"], ["#3182bd", "l2"], ["#08306b", "l3"]];
  for (const [colour, key] of rows) {
    const i = el("i"); i.style.background = colour; box.append(i, t(key), el("br"));
  }
  const x = el("i", null, "x"); box.append(x, t("l_unassigned"), el("br"));
  const dis = el("i"); dis.style.background = "#fff"; dis.style.borderStyle = "dashed";
  box.append(dis, t("l_disabled"), el("br"));
  const dep = el("i"); dep.style.background = "#000"; dep.style.borderRadius = "0"; box.append(dep, t("l_depot"));
  if (S.stops.some((s) => s.villages.some((v) => v.needs_placement))) {
    const u = el("i"); u.className = "unplaced"; box.append(el("br"), u, t("l_unplaced"));
  }
  if (S.plan && S.plan.travel_model === "straight-line") box.append(el("div", t("straight_legs"), "note"));
  if (S.stops.some((s) => s.villages.some((v) => v.estimated))) box.append(el("div", t("estimated_villages"), "note"));
  d.replaceChildren(box);
}

function visitColour(n) {
  return n <= 0 ? "#bdbdbd" : n === 1 ? "#9ecae1" : n === 2 ? "#3182bd" : "#08306b";
}

function unassignedOf(id) {
  return ((S.plan && S.plan.unassigned) || []).find((u) => u.stop_id === id);
}

function drawStops() {
  stopLayer.clearLayers();
  for (const s of S.stops) {
    const un = unassignedOf(s.id);
    const style = {
      radius: s.id === S.selected ? 9 : 6,
      color: un ? "#d7191c" : s.enabled ? "#333" : "#777",
      weight: un ? 3 : s.id === S.selected ? 3 : 1,
      dashArray: s.enabled ? null : "3 3",
      fillColor: s.enabled ? visitColour(s.visits) : "#ffffff",
      fillOpacity: 0.9,
    };
    const m = L.circleMarker([s.lat, s.lon], style);
    m.bindTooltip(el("span", s.name));  // an element: Leaflet would read a string as HTML
    m.on("click", (ev) => { L.DomEvent.stopPropagation(ev); selectStop(s.id); });
    m.addTo(stopLayer);
  }
  drawUnplaced();
  if (S.settings && !depotMarker) {
    const dp = S.settings.depot;
    depotMarker = L.marker([dp.lat, dp.lon], { icon: L.divIcon({ className: "depot-icon",
      iconSize: [14, 14] }), keyboard: false }).addTo(map);
    depotMarker.bindTooltip(el("span", dp.name));
  }
}

/* Villages an import could only put at their commune's centre: drawn apart on a ring,
   to be dragged to where they are. */
let villageLayer;
function drawUnplaced() {
  if (!villageLayer) villageLayer = L.layerGroup().addTo(map);
  villageLayer.clearLayers();
  const unplaced = S.stops.flatMap((s) => s.villages.filter((v) => v.needs_placement));
  const groups = {};  // villages put at the same commune centre share one ring
  for (const v of unplaced) (groups[`${v.lon},${v.lat}`] ||= []).push(v);
  for (const group of Object.values(groups)) group.forEach((v, i) => {
    const angle = (2 * Math.PI * i) / group.length;
    const ring = group.length > 1 ? 0.006 + 0.0015 * group.length : 0;  // degrees, ~1 km
    const m = L.marker([v.lat + ring * Math.sin(angle), v.lon + ring * Math.cos(angle)],
      { draggable: true, icon: L.divIcon({ className: "unplaced-icon", iconSize: [16, 16] }) });
    m.bindTooltip(el("span", `${v.name} (${v.commune}): ${t("needs_placement")}`));
    m.on("dragend", () => moveVillage(v.id, m.getLatLng()));
    m.addTo(villageLayer);
  });
}

async function moveVillage(id, ll) {
  const r = await api("PATCH", `/api/villages/${encodeURIComponent(id)}`,
    { lon: Number(ll.lng.toFixed(6)), lat: Number(ll.lat.toFixed(6)) }, { "If-Match": S.version });
  if (r.status === 200) {
    await reloadAll();
    const warn = r.data.warnings || [];
    status(warn.length ? warn.map((w) => `${w.name} (${w.village}): ${num(w.distance_m)} m > ${num(S.settings.audible_radius_m)} m`).join("; ")
      : t("village_placed"), warn.length ? "warn" : "");
    if (r.data.stop) selectStop(r.data.stop);
  } else {
    if (r.status === 409) await reloadAll();
    status(r.status === 409 ? t("conflict") : r.status === 423 ? t("busy")
      : (r.data && (r.data.problems ? r.data.problems.map((p) => p.expected).join("; ") : r.data.error)) || `HTTP ${r.status}`, "bad");
    drawUnplaced();
  }
}

function drawRoutes() {
  routeLayer.clearLayers();
  const runs = currentRuns();
  if (!runs || !S.settings) return;
  const depot = [S.settings.depot.lat, S.settings.depot.lon];
  runs.forEach((run, i) => {
    const pts = [depot];
    for (const sid of run.order) {
      const s = S.byId[sid];
      if (s) pts.push([s.lat, s.lon]);
    }
    pts.push(depot);
    const line = L.polyline(pts, { color: RUN_COLOURS[i % RUN_COLOURS.length], weight: 3, opacity: 0.7 });
    line.bindTooltip(el("span", runTitle(run)));
    line.addTo(routeLayer);
  });
  stopLayer.eachLayer((m) => m.bringToFront());  // stops stay clickable above the routes
}

function drawCommunes(geo) {
  communeLayer.clearLayers();
  L.geoJSON(geo, { style: { color: "#555", weight: 1.5, fill: false, dashArray: "5 4" },
    interactive: false }).addTo(communeLayer);
}

function fitAll() {
  const pts = S.stops.map((s) => [s.lat, s.lon]);
  if (S.settings) pts.push([S.settings.depot.lat, S.settings.depot.lon]);
  if (pts.length) map.fitBounds(L.latLngBounds(pts).pad(0.05));
}

/* ---------- loading ---------- */

async function loadStops() {
  const r = await api("GET", "/api/stops");
  S.version = r.data.version;
  S.stops = r.data.stops;
  S.byId = Object.fromEntries(S.stops.map((s) => [s.id, s]));
}

async function loadPlan() {
  const r = await api("GET", "/api/plan");
  S.plan = r.status === 200 ? r.data : null;
  S.runsSaved = S.plan ? S.plan.runs.map((run) => ({ id: run.id, date: run.date, vehicle: run.vehicle,
    order: run.visits.map((v) => v.stop_id), timed: run })) : null;
  S.runsEdit = null;
}

function currentRuns() { return S.runsEdit || S.runsSaved; }

async function reloadAll() {
  await Promise.all([loadStops(), loadPlan()]);
  drawStops(); drawRoutes(); drawLegend(); renderRuns(); renderUnassigned(); renderFiles(); renderHistory();
  if (S.selected && S.byId[S.selected]) renderStop(); else closeStop();
}

/* ---------- the stop panel ---------- */

function selectStop(id) {
  S.selected = id;
  drawStops();
  renderStop();
  showTab("stop");
  highlightVisits();
}

function closeStop() {
  S.selected = null;
  $("stop-panel").hidden = true; $("stop-empty").hidden = false;
  if (radiusCircle) { radiusCircle.remove(); radiusCircle = null; }
  if (dragMarker) { dragMarker.remove(); dragMarker = null; }
  drawStops(); highlightVisits();
}

function clock(s) { return `${String(Math.floor(s / 3600)).padStart(2, "0")}:${String(Math.floor(s % 3600 / 60)).padStart(2, "0")}`; }

function renderStop() {
  const s = S.byId[S.selected];
  if (!s) return closeStop();
  $("stop-empty").hidden = true; $("stop-panel").hidden = false;
  $("stop-name").textContent = s.name;
  $("stop-id").textContent = `${s.id}${s.enabled ? "" : " · " + t("disabled")}`;
  const un = unassignedOf(s.id);
  $("stop-unassigned").hidden = !un;
  $("stop-unassigned").textContent = un ? `${t("unassigned")}: ${reasonText(S.lang, un)}` : "";
  const facts = $("stop-facts");
  facts.replaceChildren();
  const add = (k, v) => facts.append(el("dt", t(k)), el("dd", v));
  add("villages", s.villages.length ? s.villages.map((v) => `${v.name} (${num(v.population)}${v.estimated ? ", " + t("estimated") : ""})`).join("; ") : t("none"));
  add("people", num(s.population));
  add("programme", t("minutes", { n: Math.round(s.programme_s / 60) }));
  add("dwell", t("minutes", { n: Math.round(s.dwell_s / 60) }));
  add("visits", t("visits_min", { n: s.visits, min: s.min_visits }));
  const days = WORDS[S.lang].weekdays;
  const pins = [...(s.pin_weekdays ? s.pin_weekdays.split(";").map((d) => days[WEEKDAY_NAMES.indexOf(d)] || d) : []),
                ...(s.pin_dates ? s.pin_dates.split(";") : [])];
  add("pins", pins.length ? pins.join(", ") : t("none"));
  add("priority", s.priority);
  add("window", s.earliest || s.latest ? `${s.earliest || "…"}–${s.latest || "…"}` : t("none"));
  if (s.notes) add("notes", s.notes);
  $("lock-row").hidden = !s.locked;
  $("lock-text").textContent = s.locked ? t("locked", { list: s.locked.split(";").join(", ") }) : "";
  fillForm(s);
  fillMerge(s);
  $("split").disabled = s.villages.length < 2;
  $("stop-msg").textContent = "";
  drawRadius();
  if (dragMarker) dragMarker.remove();
  dragMarker = L.marker([s.lat, s.lon], { draggable: true, title: s.name }).addTo(map);
  dragMarker.on("dragend", () => moveStop(s.id, dragMarker.getLatLng()));
}

const WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const FIELDS = ["pin_dates", "priority", "min_visits", "earliest", "latest", "extra_dwell_min", "notes"];

function fillForm(s) {
  const f = $("stop-form");
  f.enabled.checked = s.enabled;
  for (const k of FIELDS) { f[k].value = s[k] || ""; f[k].classList.remove("invalid"); }
  const box = $("weekday-boxes");
  box.replaceChildren();
  const pinned = (s.pin_weekdays || "").split(";");
  const runDays = (S.settings ? S.settings.weekdays : WEEKDAY_NAMES);
  for (const d of runDays) {
    const lab = el("label");
    const cb = el("input"); cb.type = "checkbox"; cb.name = "wd"; cb.value = d; cb.checked = pinned.includes(d);
    lab.append(cb, WORDS[S.lang].weekdays[WEEKDAY_NAMES.indexOf(d)]);
    box.append(lab);
  }
  for (const m of document.querySelectorAll("#stop-form .msg")) { m.textContent = ""; m.className = "msg"; }
}

function fillMerge(s) {
  const sel = $("merge-with");
  sel.replaceChildren(el("option", t("merge_pick")));
  sel.firstChild.value = "";
  const near = S.stops.filter((o) => o.id !== s.id)
    .map((o) => [o, (o.lat - s.lat) ** 2 + ((o.lon - s.lon) * Math.cos(s.lat * Math.PI / 180)) ** 2])
    .sort((a, b) => a[1] - b[1]).slice(0, 8);
  for (const [o] of near) { const op = el("option", `${o.name} (${o.id})`); op.value = o.id; sel.append(op); }
}

function drawRadius(ev) {
  if (radiusCircle) { radiusCircle.remove(); radiusCircle = null; }
  const s = S.byId[S.selected];
  if (!s || !$("show-radius").checked || !S.settings) return;
  if (ev) map.setView([s.lat, s.lon], Math.max(map.getZoom(), 15));  // 300 m must be visible
  radiusCircle = L.circle([s.lat, s.lon], { radius: S.settings.audible_radius_m, color: "#d95f02",
    weight: 1, fillOpacity: 0.08, interactive: false }).addTo(map);
}

function showProblems(data, fallbackEl) {
  const msgs = document.querySelectorAll("#stop-form .msg");
  for (const m of msgs) { m.textContent = ""; m.className = "msg"; }
  for (const p of (data && data.problems) || []) {
    const field = p.field === "pin_weekdays" || p.field === "weekday" ? "pin_weekdays" : p.field === "date" ? "pin_dates" : p.field;
    const slot = document.querySelector(`#stop-form .msg[data-for="${CSS.escape(field)}"]`) || fallbackEl || document.querySelector('#stop-form .msg[data-for="*"]');
    slot.textContent = (slot.textContent ? slot.textContent + " " : "") + expectedText(S.lang, p);
    const input = $("stop-form")[field];
    if (input && input.classList) input.classList.add("invalid");
  }
}

async function handleWrite(r, msgEl) {
  if (r.status === 200) return true;
  if (r.status === 409) { await reloadAll(); msgEl.textContent = t("conflict"); }
  else if (r.status === 423) msgEl.textContent = t("busy");
  else if (r.status === 422) showProblems(r.data, msgEl);
  else msgEl.textContent = (r.data && r.data.error) || `HTTP ${r.status}`;
  msgEl.className = "msg";
  return false;
}

async function saveStop(ev) {
  ev.preventDefault();
  const s = S.byId[S.selected];
  const f = $("stop-form");
  const changes = {};
  if (f.enabled.checked !== s.enabled) changes.enabled = f.enabled.checked;
  const wds = [...f.querySelectorAll('input[name="wd"]:checked')].map((c) => c.value).join(";");
  if (wds !== (s.pin_weekdays || "")) changes.pin_weekdays = wds;
  for (const k of FIELDS) if (f[k].value.trim() !== (s[k] || "")) changes[k] = f[k].value.trim();
  const star = document.querySelector('#stop-form .msg[data-for="*"]');
  if (!Object.keys(changes).length) { star.textContent = t("nothing_changed"); star.className = "msg ok"; return; }
  for (const k of FIELDS) f[k].classList.remove("invalid");
  const r = await api("PATCH", `/api/stops/${encodeURIComponent(s.id)}`, changes, { "If-Match": S.version });
  if (await handleWrite(r, star)) {
    await reloadAll();
    const star2 = document.querySelector('#stop-form .msg[data-for="*"]');
    star2.textContent = t("saved"); star2.className = "msg ok";
  } else if (r.status === 409 && S.byId[s.id]) {
    // Another tab saved first: the form shows the stop as it is now, with this tab's
    // changes put back on top, so nothing typed is lost; Save again applies them.
    if ("enabled" in changes) f.enabled.checked = changes.enabled;
    if ("pin_weekdays" in changes) {
      const days = changes.pin_weekdays.split(";");
      for (const c of f.querySelectorAll('input[name="wd"]')) c.checked = days.includes(c.value);
    }
    for (const k of FIELDS) if (k in changes) f[k].value = changes[k];
    star.textContent = t("conflict_kept"); star.className = "msg";
  }
}

async function moveStop(id, ll) {
  const r = await api("PATCH", `/api/stops/${encodeURIComponent(id)}`,
    { lon: Number(ll.lng.toFixed(6)), lat: Number(ll.lat.toFixed(6)) }, { "If-Match": S.version });
  const msg = $("stop-msg");
  if (await handleWrite(r, msg)) {
    await reloadAll();
    const warn = r.data.warnings || [];
    $("stop-msg").className = warn.length ? "msg warn" : "msg ok";
    $("stop-msg").textContent = warn.length
      ? warn.map((w) => `${w.name} (${w.village}): ${num(w.distance_m)} m > ${num(S.settings.audible_radius_m)} m`).join("; ")
      : t("saved");
  } else if (dragMarker) {
    const s = S.byId[id]; dragMarker.setLatLng([s.lat, s.lon]);
  }
}

async function stopAction(method, path, body, confirmText) {
  if (confirmText && !window.confirm(confirmText)) return;
  const r = await api(method, path, body, { "If-Match": S.version });
  if (await handleWrite(r, $("stop-msg"))) {
    if (r.data.id) S.selected = r.data.id; else if (r.data.ids) S.selected = r.data.ids[0];
    if (method === "DELETE") S.selected = null;
    await reloadAll();
    if (S.selected) { $("stop-msg").textContent = t("saved"); $("stop-msg").className = "msg ok"; }
  }
}

/* ---------- adding stops ---------- */

function onMapClick(ev) {
  if (!S.adding) return;
  S.adding = false; document.body.classList.remove("adding");
  const people = window.prompt(t("new_people"), "100");
  if (people === null) return;
  addStop({ lon: Number(ev.latlng.lng.toFixed(6)), lat: Number(ev.latlng.lat.toFixed(6)),
    people: parseInt(people, 10) });
}

async function addStop(body) {
  const r = await api("POST", "/api/stops", body, { "If-Match": S.version });
  const msg = $("add-msg");
  if (r.status === 200) {
    await reloadAll(); msg.className = "msg ok"; msg.textContent = t("added", { id: r.data.id });
    selectStop(r.data.id);
  } else if (r.status === 422) {
    msg.className = "msg";
    msg.textContent = r.data.problems.map((p) => expectedText(S.lang, p)).join("; ");
  } else await handleWrite(r, msg);
}
