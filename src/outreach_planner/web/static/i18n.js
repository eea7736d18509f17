/* Words of the planning page: Vietnamese by default, English on the switch. */
"use strict";

const WORDS = {
  vi: {
    title: "Lập kế hoạch đội thông tin lưu động",
    replan: "Lập lại kế hoạch", fresh: "Lập từ đầu", switch_lang: "English",
    tab_stop: "Điểm dừng", tab_runs: "Chuyến", tab_result: "Kết quả", tab_files: "Tệp in",
    tab_history: "Lịch sử", undo_edit: "Hoàn tác lần sửa cuối", undone: "Đã hoàn tác lần sửa {n}.",
    nothing_to_undo: "Không còn gì để hoàn tác.", h_time: "Lúc", h_field: "Mục", h_change: "Cũ → mới",
    h_undo: "hoàn tác lần {n}", h_added: "thêm điểm", h_removed: "xoá điểm", no_history: "Chưa có lần sửa nào.",
    pick_stop: "Chọn một điểm dừng trên bản đồ.",
    add_click: "Thêm điểm: bấm lên bản đồ", add_place: "Thêm theo tên",
    place_name: "Tên thôn, bon hoặc địa danh",
    click_map: "Bấm lên bản đồ tại vị trí điểm mới (Esc để thôi).",
    new_people: "Số dân nghe được ở điểm mới (điểm không thuộc thôn nào):",
    added: "Đã thêm điểm {id}.",
    unassigned: "Chưa xếp được", show_radius: "Hiện bán kính nghe được",
    f_enabled: "Có ghé (bỏ chọn để tạm ngưng)", f_pin_weekdays: "Chỉ ghé vào thứ",
    f_pin_dates: "Chỉ ghé vào ngày (YYYY-MM-DD; cách nhau bởi ;)",
    f_priority: "Ưu tiên (1 = bình thường)", f_min_visits: "Số lượt tối thiểu",
    f_earliest: "Phát sớm nhất (HH:MM)", f_latest: "Phát xong muộn nhất (HH:MM)",
    f_extra_dwell_min: "Dừng thêm (phút)", f_notes: "Ghi chú",
    save: "Lưu", close: "Đóng", merge: "Gộp", split: "Tách theo thôn", remove: "Xoá điểm",
    merge_pick: "Gộp với điểm…", confirm_remove: "Xoá điểm {name}? Các thôn của điểm sẽ không còn được phục vụ.",
    saved: "Đã lưu.", nothing_changed: "Không có gì thay đổi.",
    villages: "Thôn, bon", people: "Số dân", programme: "Thời lượng phát", dwell: "Thời gian dừng",
    visits: "Lượt ghé đã xếp", languages: "Ngôn ngữ", pins: "Ghim", priority: "Ưu tiên",
    window: "Khung giờ", notes: "Ghi chú", disabled: "tạm ngưng", none: "không", estimated: "ước tính",
    minutes: "{n} phút", visits_min: "{n} (tối thiểu {min})",
    straight_legs: "Đường nối là đường thẳng ước tính, không phải đường thực tế.",
    estimated_villages: "Vị trí thôn, bon là số liệu ước tính.", people_n: "{n} người",
    no_plan: "Chưa có kế hoạch: bấm “Lập lại kế hoạch”.",
    drag_hint: "Kéo một lượt ghé để đổi thứ tự hoặc sang chuyến khác.",
    undo_order: "Hoàn tác", keep_order: "Giữ thứ tự này", unlock: "Bỏ khoá",
    locked: "Khoá vào chuyến: {list}", locked_mark: "đã khoá",
    keep_hint: "Giữ: các lượt ghé của chuyến được khoá theo thứ tự này, rồi lập lại kế hoạch.", drop_here: "Thả vào đây",
    order_ok: "Thứ tự mới vừa khít giờ làm việc (chưa lưu).",
    order_bad: "Thứ tự mới vi phạm quy định (màu đỏ); hãy hoàn tác hoặc sửa lại.",
    depart: "Xuất phát", back: "Về", arrival: "Đến", broadcast: "Phát", leave: "Rời",
    vehicle: "Xe", lunch: "Nghỉ trưa", stop: "Điểm", seq: "#",
    cancel: "Huỷ", job_running: "Đang lập kế hoạch…",
    phases: { "reading the inputs": "đọc dữ liệu", "placing required visits": "xếp các lượt bắt buộc",
      "improving": "cải thiện lộ trình", "adding extra visits": "thêm lượt ghé",
      "keeping the previous plan": "giữ kế hoạch cũ", "writing the outputs": "ghi các tệp" }, job_done: "Đã lập xong kế hoạch.",
    job_failed: "Không lập được kế hoạch:", job_cancelled: "Đã huỷ; kế hoạch cũ giữ nguyên.",
    confirm_fresh: "Lập kế hoạch từ đầu sẽ bỏ qua kế hoạch hiện tại: nhiều lượt ghé sẽ đổi ngày. Tiếp tục?",
    first_plan: "Kế hoạch đầu tiên.", no_change: "Không có thay đổi.",
    d_added: "thêm {list}", d_removed: "bỏ {list}", d_moved_in: "chuyển đến {list}",
    d_moved_out: "chuyển đi {list}", d_retimed: "đổi giờ {list}", d_from: "từ {run}", d_to: "sang {run}",
    d_kept: "Giữ nguyên ngày: {kept}/{comparable} lượt ghé ({pct} %).",
    d_people: "Lượt người nghe: {old} → {new} ({delta}).",
    busy: "Đang lập kế hoạch: chờ xong rồi sửa.",
    conflict_kept: "Điểm này vừa được sửa ở nơi khác (tab khác hoặc dòng lệnh); đã tải bản mới và giữ các thay đổi của bạn: kiểm tra rồi bấm Lưu lại.",
    conflict: "Danh sách điểm đã thay đổi ở nơi khác (tab khác hoặc dòng lệnh); đã tải lại, hãy sửa lại.",
    files_none: "Chưa có tệp: lập kế hoạch trước.",
    f_index: "Bản đồ tổng quan", f_week: "Lịch tuần (PDF)", f_calendar: "Lịch (calendar.ics)",
    f_schedule: "Bảng lịch trình (schedule.csv)", f_plan: "plan.json",
    map_html: "Bản đồ", route_pdf: "Lộ trình PDF", gpx: "GPX",
    kit: "Bộ tài liệu cho lái xe, tuần từ {week} (zip)",
    legend_title: "Số lượt ghé", l0: "chưa ghé", l1: "1 lượt", l2: "2 lượt", l3: "3 lượt trở lên",
    l_unassigned: "chưa xếp được", l_disabled: "tạm ngưng", l_depot: "điểm xuất phát",
    l_unplaced: "thôn chưa có vị trí: kéo đến đúng chỗ",
    needs_placement: "chưa có vị trí thật (đặt tạm ở trung tâm xã); kéo đến đúng chỗ",
    village_placed: "Đã đặt thôn vào vị trí mới.",
    offline: "Không có mạng: bản đồ nền không tải, mọi chức năng khác vẫn dùng được.",
    access_code: "Nhập mã truy cập do máy chủ in ra:", access_wrong: "Sai mã truy cập.",
    weekdays: ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"],
    p_window: "phát xong lúc {end}, sau giờ muộn nhất {latest}",
    p_shift_end: "phát xong lúc {end}, sau giờ hết ca ({shift_end})",
    p_return_late: "về đến lúc {back}, sau giờ hết ca ({shift_end})",
    p_pin: "điểm chỉ được ghé vào {pins}", p_disabled: "điểm đang tạm ngưng",
    p_gap: "điểm cũng được ghé ngày {other}, chưa đủ {min_days} ngày",
    r_keep_previous: "không chuyến nào còn chỗ khi giữ các lượt ghé cũ; hãy lập từ đầu, thêm tuần hoặc thêm xe",
    r_dwell_too_long: "thời gian dừng ({a} phút) dài hơn buổi làm việc dài nhất ({b} phút)",
    r_too_far: "thời gian dừng ({a} phút) và đường đi về ({b} phút) không vừa một ngày làm việc",
    r_hours: "cần thêm {a} giờ so với {b} chuyến hiện có",
    r_no_time: "không chuyến nào còn thời gian cho điểm này bên cạnh các điểm bắt buộc khác; hãy thêm tuần hoặc xe, hoặc giảm số lượt tối thiểu",
    r_no_run: "cài đặt không cho chuyến nào trong khoảng thời gian lập kế hoạch",
    r_untranslated: "{text} (tiếng Anh)",
  },
  en: {
    title: "Mobile information team planner",
    replan: "Re-plan", fresh: "Plan from scratch", switch_lang: "Tiếng Việt",
    tab_stop: "Stop", tab_runs: "Runs", tab_result: "Result", tab_files: "Print",
    tab_history: "History", undo_edit: "Undo the last edit", undone: "Edit {n} undone.",
    nothing_to_undo: "Nothing left to undo.", h_time: "When", h_field: "Field", h_change: "Old → new",
    h_undo: "undo of {n}", h_added: "stop added", h_removed: "stop removed", no_history: "No edits yet.",
    pick_stop: "Pick a stop on the map.",
    add_click: "Add a stop: click the map", add_place: "Add by name",
    place_name: "Village or place name",
    click_map: "Click the map where the new stop is (Esc to stop).",
    new_people: "People the new stop reaches (a stop of no village):",
    added: "Added stop {id}.",
    unassigned: "Not placed", show_radius: "Show the audible radius",
    f_enabled: "Visited (untick to disable)", f_pin_weekdays: "Only on weekdays",
    f_pin_dates: "Only on dates (YYYY-MM-DD; separated by ;)",
    f_priority: "Priority (1 = normal)", f_min_visits: "Minimum visits",
    f_earliest: "Broadcast from (HH:MM)", f_latest: "Broadcast done by (HH:MM)",
    f_extra_dwell_min: "Extra dwell (min)", f_notes: "Notes",
    save: "Save", close: "Close", merge: "Merge", split: "Split by village", remove: "Delete stop",
    merge_pick: "Merge with…", confirm_remove: "Delete stop {name}? Its villages will no longer be served.",
    saved: "Saved.", nothing_changed: "Nothing changed.",
    villages: "Villages", people: "People", programme: "Programme", dwell: "Dwell",
    visits: "Visits planned", languages: "Languages", pins: "Pins", priority: "Priority",
    window: "Window", notes: "Notes", disabled: "disabled", none: "none", estimated: "estimated",
    minutes: "{n} min", visits_min: "{n} (minimum {min})",
    straight_legs: "Legs are estimated straight lines, not the roads driven.",
    estimated_villages: "Village positions are estimates.", people_n: "{n} people",
    no_plan: "No plan yet: press “Re-plan”.",
    drag_hint: "Drag a visit to reorder it or move it to another run.",
    undo_order: "Undo", keep_order: "Keep this order", unlock: "Unlock",
    locked: "Locked to runs: {list}", locked_mark: "locked",
    keep_hint: "Keep: the runs' visits are locked in this order, then the plan is re-made.", drop_here: "Drop here",
    order_ok: "The new order fits the working day (not saved).",
    order_bad: "The new order breaks a rule (in red); undo or change it.",
    depart: "Leaves", back: "Back", arrival: "Arrive", broadcast: "Broadcast", leave: "Leave",
    vehicle: "Vehicle", lunch: "Lunch", stop: "Stop", seq: "#",
    cancel: "Cancel", job_running: "Planning…", job_done: "The plan is ready.",
    job_failed: "No plan was made:", job_cancelled: "Cancelled; the previous plan is unchanged.",
    confirm_fresh: "Planning from scratch ignores the current plan: many visits will change date. Go on?",
    first_plan: "The first plan.", no_change: "No change.",
    d_added: "added {list}", d_removed: "removed {list}", d_moved_in: "moved here {list}",
    d_moved_out: "moved away {list}", d_retimed: "retimed {list}", d_from: "from {run}", d_to: "to {run}",
    d_kept: "Kept on the same date: {kept} of {comparable} visits ({pct} %).",
    d_people: "People reached: {old} → {new} ({delta}).",
    busy: "A re-plan is running: edit again when it ends.",
    conflict_kept: "This stop was just changed elsewhere (another tab or the command line); reloaded, with your changes kept on top: check them and Save again.",
    conflict: "The stop list changed elsewhere (another tab or the command line); reloaded, please edit again.",
    files_none: "No files yet: make a plan first.",
    f_index: "Overview map", f_week: "Week overview (PDF)", f_calendar: "Calendar (calendar.ics)",
    f_schedule: "Timetable (schedule.csv)", f_plan: "plan.json",
    map_html: "Map", route_pdf: "Route sheet PDF", gpx: "GPX",
    kit: "Driver kit, week of {week} (zip)",
    legend_title: "Visits", l0: "not visited", l1: "1 visit", l2: "2 visits", l3: "3 or more",
    l_unassigned: "not placed", l_disabled: "disabled", l_depot: "depot",
    l_unplaced: "village with no position: drag it to where it is",
    needs_placement: "no real position yet (put at the commune's centre); drag it to where it is",
    village_placed: "The village is in its new place.",
    offline: "Offline: no background map; everything else works.",
    access_code: "Enter the access code the server printed:", access_wrong: "Wrong access code.",
    weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    p_window: "broadcast ends at {end}, after the stop's latest {latest}",
    p_shift_end: "broadcast ends at {end}, after the shift ends ({shift_end})",
    p_return_late: "back at the depot at {back}, after the shift ends ({shift_end})",
    p_pin: "the stop is pinned to {pins}", p_disabled: "the stop is disabled",
    p_gap: "the stop is also visited on {other}, closer than {min_days} days",
    r_untranslated: "{text}",
  },
};

/* Unassigned reasons: plan.json gives each in Vietnamese (reason_vi, from its code); for
   a plan.json written before that, each known English sentence has its translation here. */
const REASONS = [
  [/^no run had time for it while keeping the previous plan/, "r_keep_previous"],
  [/^its dwell \((\d+) min\) is longer than the longest working span \((\d+) min\)/, "r_dwell_too_long"],
  [/^the dwell \((\d+) min\) and the drive there and back \((\d+) min\)/, "r_too_far"],
  [/^needs (\d+) more hours than the (\d+) runs have/, "r_hours"],
  [/^no run had time left for it beside the other required stops/, "r_no_time"],
  [/^the settings leave no run in the horizon/, "r_no_run"],
];

function fmt(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (values && k in values ? String(values[k]) : m));
}

function reasonText(lang, unassigned) {
  const reason = unassigned.reason;
  if (lang === "en") return reason;
  if (unassigned.reason_vi) return unassigned.reason_vi;  // plan.json words it by its code
  for (const [re, key] of REASONS) {
    const m = re.exec(reason);
    if (m && WORDS.vi[key]) return fmt(WORDS.vi[key], { a: m[1], b: m[2] });
  }
  return fmt(WORDS.vi.r_untranslated, { text: reason });
}

/* What a refused field expected, in Vietnamese for the common cases (the server's English
   sentence otherwise). */
const EXPECTED_VI = [
  [/^a time HH:MM, or empty/, "giờ dạng HH:MM, hoặc để trống"],
  [/^a time after earliest/, "giờ muộn hơn giờ phát sớm nhất"],
  [/^a number above 0 and at most 100/, "số lớn hơn 0, tối đa 100 (1 = bình thường, 2 = tính gấp đôi)"],
  [/^a whole number from 0 to 100/, "số nguyên từ 0 đến 100, hoặc để trống"],
  [/^minutes from 0 to 600/, "số phút từ 0 đến 600, hoặc để trống"],
  [/^dates YYYY-MM-DD/, "các ngày dạng YYYY-MM-DD, cách nhau bởi ;"],
  [/^weekday names/, "tên các thứ, cách nhau bởi ;"],
  [/^a weekday with runs/, "thứ có chuyến"],
  [/^a date on a run day/, "ngày có chuyến"],
  [/^a date on one of the pinned weekdays/, "ngày rơi vào một thứ đã ghim"],
  [/^yes or no/, "có hoặc không"],
  [/^a whole number of people/, "số người (số nguyên), hoặc để trống"],
  [/^run dates YYYY-MM-DD/, "ngày chuyến dạng YYYY-MM-DD (hoặc YYYY-MM-DD/XE), cách nhau bởi ;"],
];

function expectedText(lang, p) {
  let text = p.expected;
  if (lang === "vi") for (const [re, vi] of EXPECTED_VI) if (re.test(p.expected)) { text = vi; break; }
  const label = WORDS[lang]["f_" + p.field] || p.field;
  const got = p.value === null || p.value === undefined ? "" : ` (${lang === "vi" ? "đã nhập" : "got"} ${JSON.stringify(p.value)})`;
  return `${label}: ${text}${got}`;
}
