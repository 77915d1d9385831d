// LINE シミュレーター: the phone page. Plain JS, no libraries, no external requests.
// Every piece of text from the bot goes in through textContent, never innerHTML.
"use strict";

(function () {
  const POLL_MS = 1000;
  const $ = (id) => document.getElementById(id);
  const state = { users: [], userId: "", lastSeq: 0, entries: [], polling: false, readMarks: {},
                  richMenuId: null };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function toast(message) {
    const box = $("toast");
    box.textContent = message;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { box.hidden = true; }, 4000);
  }

  async function call(method, url, body, isForm) {
    const options = { method, headers: {} };
    if (body !== undefined) {
      if (isForm) {
        options.body = body;
      } else {
        options.headers["Content-Type"] = "application/json";
        options.body = JSON.stringify(body);
      }
    }
    const response = await fetch(url, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || `エラー (${response.status})`);
    return data;
  }

  function currentUser() {
    return state.users.find((user) => user.userId === state.userId);
  }

  // residents

  async function loadUsers() {
    const data = await call("GET", "/_sim/users");
    state.users = data.users;
    const select = $("user-select");
    const chosen = state.userId || document.body.dataset.selected || "";
    select.replaceChildren();
    for (const user of state.users) {
      const status = user.following ? "友だち" : user.blocked ? "ブロック中" : "未追加";
      const option = el("option", null, `${user.displayName}(${status})`);
      option.value = user.userId;
      select.appendChild(option);
    }
    const known = state.users.some((user) => user.userId === chosen);
    select.value = known ? chosen : (state.users[0] ? state.users[0].userId : "");
    if (select.value !== state.userId) selectUser(select.value);
    updateControls();
  }

  function selectUser(userId) {
    state.userId = userId;
    state.lastSeq = 0;
    state.entries = [];
    state.readMarks = {};
    $("chat").replaceChildren();
    $("quick-replies").replaceChildren();
    if (userId) history.replaceState(null, "", `/phone/${userId}`);
    updateControls();
    poll();
    loadRichMenu();
  }

  // the rich menu under the chat (the user's own, else the account's default), as LINE shows it:
  // the image, its areas tappable, the chat bar opening and closing it

  async function loadRichMenu() {
    const userId = state.userId;
    const user = currentUser();
    let menu = null;
    if (userId && user && user.following) {
      try {
        menu = await call("GET", `/_sim/richmenu/${encodeURIComponent(userId)}`);
      } catch (error) {
        menu = null;
      }
    }
    if (userId !== state.userId) return;
    const key = menu ? menu.richMenuId : "";
    if (key === state.richMenuId) return;
    state.richMenuId = key;
    const box = $("rich-menu");
    const tiles = $("rich-menu-tiles");
    tiles.replaceChildren();
    box.hidden = !menu;
    if (!menu) return;
    $("rich-menu-bar").textContent = `${menu.chatBarText} ▾`;
    tiles.style.aspectRatio = `${menu.size.width} / ${menu.size.height}`;
    tiles.style.backgroundImage = `url(${menu.imageUrl})`;
    menu.areas.forEach((area) => {
      const button = el("button", "rich-menu-area");
      button.type = "button";
      button.setAttribute("aria-label", area.action.label || area.action.displayText || area.action.data || "");
      button.dataset.data = area.action.data || "";
      const b = area.bounds;
      Object.assign(button.style, {
        left: `${(100 * b.x) / menu.size.width}%`, top: `${(100 * b.y) / menu.size.height}%`,
        width: `${(100 * b.width) / menu.size.width}%`, height: `${(100 * b.height) / menu.size.height}%`,
      });
      button.addEventListener("click", () => perform(area.action));
      tiles.appendChild(button);
    });
  }

  function updateControls() {
    const user = currentUser();
    const following = Boolean(user && user.following);
    $("follow-button").disabled = !user || following;
    $("block-button").disabled = !following;
    $("text-input").disabled = !following;
    $("send-button").disabled = !following;
    $("photo-input").disabled = !following;
    $("user-state").textContent = !user ? "" : following
      ? `${user.displayName} さんは町の公式アカウントと友だちです。`
      : user.blocked ? `${user.displayName} さんはブロック中です。「友だち追加」でブロックを解除します。`
        : `${user.displayName} さんはまだ友だち追加していません。`;
    $("compose-hint").textContent = following ? "" : "メッセージを送るには、まず「友だち追加」を押してください。";
  }

  async function act(path, body, isForm) {
    if (!state.userId) return;
    try {
      const result = await call("POST", `/_sim/users/${state.userId}/${path}`, body, isForm);
      if (result.error) toast(`窓口に届きませんでした: ${result.error}`);
      else if (result.status && result.status >= 300) toast(`窓口が ${result.status} を返しました`);
    } catch (error) {
      toast(error.message);
    }
    await loadUsers();
    await poll();
    await loadRichMenu();
  }

  // the chat

  async function poll() {
    if (!state.userId || state.polling) return;
    state.polling = true;
    const userId = state.userId;
    try {
      const data = await call("GET", `/_sim/messages?user=${encodeURIComponent(userId)}&after=${state.lastSeq}`);
      if (userId !== state.userId) return;
      const fresh = [
        ...data.messages.map((entry) => ({ ...entry, from: "bot" })),
        ...data.sent.map((entry) => ({ ...entry, from: "user" })),
      ].sort((a, b) => a.seq - b.seq);
      state.lastSeq = Math.max(state.lastSeq, data.lastSeq);
      if (fresh.length) {
        state.entries.push(...fresh);
        fresh.forEach(renderEntry);
        renderQuickReplies();
        $("chat").scrollTop = $("chat").scrollHeight;
      }
      showSigns(data);
    } catch (error) {
      // the simulator restarted or the user is gone: try again on the next tick
    } finally {
      state.polling = false;
    }
  }

  // A resident's phone keeps Japan time, whatever the zone of the machine showing the simulator.
  const japanTime = new Intl.DateTimeFormat("ja-JP", {
    timeZone: "Asia/Tokyo", hour: "numeric", minute: "2-digit", hour12: false,
  });

  function clock(iso) {
    return japanTime.format(new Date(iso));
  }

  function renderEntry(entry) {
    const chat = $("chat");
    if (entry.from === "user") {
      if (entry.type === "follow" || entry.type === "unfollow") {
        chat.appendChild(el("div", "system", entry.type === "follow" ? "友だち追加しました" : "ブロックしました"));
        webhookNote(chat, entry, true);
        return;
      }
      if (entry.type === "postback" && !entry.displayText) {
        chat.appendChild(el("div", "system", "ボタンを押しました"));
        webhookNote(chat, entry, true);
        return;
      }
      const line = el("div", "line user");
      const column = el("div", "column");
      if (entry.type === "image") {
        const bubble = el("div", "bubble");
        const img = el("img");
        img.src = `/_sim/content/${entry.imageId}`;
        img.alt = "送った写真";
        bubble.appendChild(img);
        column.appendChild(bubble);
      } else {
        column.appendChild(el("div", "bubble", entry.type === "postback" ? entry.displayText : entry.text));
      }
      const read = el("span", "read", "既読");  // shown once the bot marks it read
      read.hidden = true;
      state.readMarks[entry.webhookEventId] = read;
      column.appendChild(read);
      column.appendChild(el("span", "time", clock(entry.time)));
      webhookNote(column, entry, false);
      line.appendChild(column);
      chat.appendChild(line);
      return;
    }
    const line = el("div", "line bot");
    line.appendChild(el("span", "avatar", "町"));
    const column = el("div", "column");
    column.appendChild(renderMessage(entry.message));
    column.appendChild(el("span", "time", clock(entry.time)));
    line.appendChild(column);
    chat.appendChild(line);
  }

  // 「既読」 on the messages the bot marked read; the loading dots from the bot's
  // loading/start until its next message or the seconds it asked for.
  function showSigns(data) {
    (data.read || []).forEach((eventId) => {
      if (state.readMarks[eventId]) state.readMarks[eventId].hidden = false;
    });
    const lastBot = Math.max(0, ...state.entries.filter((e) => e.from === "bot")
      .map((e) => Date.parse(e.time)));
    const since = (data.loadingSince || 0) * 1000;
    const loading = Date.now() < (data.loadingUntil || 0) * 1000 && lastBot < since;
    let dots = $("loading");
    if (loading && !dots) {
      dots = el("div", "line bot");
      dots.id = "loading";
      dots.appendChild(el("span", "avatar", "町"));
      const bubble = el("div", "bubble loading");
      bubble.setAttribute("aria-label", "入力中");
      for (let i = 0; i < 3; i += 1) bubble.appendChild(el("span", "dot"));
      dots.appendChild(bubble);
      $("chat").appendChild(dots);
      $("chat").scrollTop = $("chat").scrollHeight;
    } else if (!loading && dots) {
      dots.remove();
    } else if (loading && dots !== $("chat").lastElementChild) {
      $("chat").appendChild(dots);  // after what arrived meanwhile
    }
  }

  function webhookNote(parent, entry, centered) {
    // a note only for a final failure; an answer still on its way has neither field yet
    let text = "";
    if (entry.webhookError) text = `窓口に届きませんでした (${entry.webhookError})`;
    else if (entry.webhookStatus >= 300) text = `窓口の応答: ${entry.webhookStatus}`;
    if (!text) return;
    const note = el("span", "note", text);
    if (centered) {
      const wrap = el("div", "system");
      wrap.style.background = "transparent";
      wrap.appendChild(note);
      parent.appendChild(wrap);
    } else {
      parent.appendChild(note);
    }
  }

  function renderMessage(message) {
    switch (message.type) {
      case "text":
        return el("div", "bubble", message.text);
      case "image": {
        const bubble = el("div", "bubble");
        const img = el("img");
        img.src = message.previewImageUrl || message.originalContentUrl;
        img.alt = "画像";
        bubble.appendChild(img);
        return bubble;
      }
      case "sticker":
        return el("div", "bubble", "(スタンプ)");
      case "template":
        return renderTemplate(message.template);
      case "flex":
        return message.contents.type === "carousel"
          ? carousel(message.contents.contents.map(renderBubble))
          : renderBubble(message.contents);
      default:
        return el("div", "bubble", `(${message.type} メッセージ)`);
    }
  }

  function renderTemplate(template) {
    if (template.type === "carousel") {
      return carousel(template.columns.map((column) => card(column, column.actions, false)));
    }
    return card(template, template.actions, template.type === "confirm");
  }

  function card(content, actions, isConfirm) {
    const box = el("div", "card");
    if (content.thumbnailImageUrl) {
      const img = el("img");
      img.src = content.thumbnailImageUrl;
      img.alt = "";
      box.appendChild(img);
    }
    const body = el("div", "card-body");
    if (content.title) body.appendChild(el("div", "card-title", content.title));
    body.appendChild(el("div", null, content.text));
    box.appendChild(body);
    const row = el("div", isConfirm ? "actions confirm" : "actions");
    for (const action of actions || []) row.appendChild(actionButton(action, "button"));
    box.appendChild(row);
    return box;
  }

  function carousel(cards) {
    const row = el("div", "carousel");
    cards.forEach((node) => row.appendChild(node));
    return row;
  }

  function renderBubble(bubble) {
    const box = el("div", "card");
    for (const part of ["header", "hero", "body", "footer"]) {
      if (!bubble[part]) continue;
      const section = el("div", "flex-section");
      section.appendChild(renderFlex(bubble[part]));
      box.appendChild(section);
    }
    return box;
  }

  function renderFlex(node) {
    switch (node.type) {
      case "box": {
        const box = el("div", `flex-box ${node.layout || "vertical"}`);
        (node.contents || []).forEach((child) => box.appendChild(renderFlex(child)));
        if (node.action) box.addEventListener("click", () => perform(node.action));
        return box;
      }
      case "text": {
        const text = node.contents && node.contents.length
          ? node.contents.map((span) => span.text).join("") : node.text;
        const classes = ["flex-text", node.weight === "bold" ? "bold" : "", node.size || ""];
        const span = el("div", classes.join(" ").trim(), text);
        if (node.color) span.style.color = node.color;
        if (node.align) span.style.textAlign = node.align === "end" ? "right" : node.align;
        return span;
      }
      case "button": {
        const button = actionButton(node.action, `flex-button ${node.style || ""}`);
        if (node.color && node.style === "primary") button.style.background = node.color;
        return button;
      }
      case "image": {
        const img = el("img");
        img.src = node.url;
        img.alt = "";
        return img;
      }
      case "separator":
        return el("hr", "flex-separator");
      default:
        return el("div");
    }
  }

  function actionButton(action, className) {
    const button = el("button", className, action.label || action.displayText || "開く");
    button.type = "button";
    button.addEventListener("click", () => perform(action));
    if (action.type === "datetimepicker") {
      button.disabled = true;
      button.title = "シミュレーターでは使えません";
    }
    return button;
  }

  function perform(action) {
    if (!currentUser() || !currentUser().following) {
      toast("まず「友だち追加」を押してください。");
      return;
    }
    switch (action.type) {
      case "postback":
        act("postback", { data: action.data || "", displayText: action.displayText || action.text || null });
        break;
      case "message":
        act("text", { text: action.text });
        break;
      case "uri":
        window.open(action.uri, "_blank", "noopener");
        break;
      case "richmenuswitch":  // LINE switches the menu, then sends the postback with params
        act("richmenuswitch", { richMenuAliasId: action.richMenuAliasId, data: action.data || "" });
        break;
      case "camera":
      case "cameraRoll":
        $("photo-input").click();
        break;
      case "location":
        $("location-panel").open = true;
        $("location-preset").focus();
        break;
      case "clipboard":
        navigator.clipboard.writeText(action.clipboardText).then(() => toast("コピーしました"));
        break;
      default:
        toast("この操作はシミュレーターでは使えません");
    }
  }

  function renderQuickReplies() {
    const bar = $("quick-replies");
    bar.replaceChildren();
    const last = state.entries[state.entries.length - 1];
    if (!last || last.from !== "bot" || !last.message.quickReply) return;
    for (const item of last.message.quickReply.items || []) {
      const chip = actionButton(item.action, "chip");
      chip.addEventListener("click", () => bar.replaceChildren());
      bar.appendChild(chip);
    }
  }

  // wiring

  function start() {
    $("user-select").addEventListener("change", (event) => selectUser(event.target.value));
    $("follow-button").addEventListener("click", () => act("follow"));
    $("block-button").addEventListener("click", () => {
      if (confirm("このアカウントをブロックしますか?(町からのメッセージが届かなくなります)")) act("unfollow");
    });
    $("compose").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("text-input");
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      act("text", { text });
    });
    $("photo-input").addEventListener("change", (event) => {
      const file = event.target.files[0];
      if (!file) return;
      const form = new FormData();
      form.append("image", file);
      event.target.value = "";
      act("image", form, true);
    });
    $("location-preset").addEventListener("change", (event) => {
      const option = event.target.selectedOptions[0];
      if (!option || !option.value) return;
      const [latitude, longitude] = option.value.split(",");
      $("location-latitude").value = latitude;
      $("location-longitude").value = longitude;
      $("location-address").value = option.dataset.address || "";
    });
    $("location-form").addEventListener("submit", (event) => {
      event.preventDefault();
      if (!currentUser() || !currentUser().following) {
        toast("まず「友だち追加」を押してください。");
        return;
      }
      act("location", {
        latitude: Number($("location-latitude").value),
        longitude: Number($("location-longitude").value),
        address: $("location-address").value.trim(),
      });
      $("location-panel").open = false;
    });
    $("add-user-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const input = $("new-user-name");
      try {
        const user = await call("POST", "/_sim/users", { displayName: input.value.trim() });
        input.value = "";
        state.userId = user.userId;
        await loadUsers();
        selectUser(user.userId);
      } catch (error) {
        toast(error.message);
      }
    });
    call("GET", "/_sim/webhook").then((data) => {
      $("webhook-url").textContent = data.url || "未設定(イベントは送信されません)";
    }).catch(() => {});
    loadUsers().catch((error) => toast(error.message));
    setInterval(poll, POLL_MS);
    setInterval(() => loadUsers().then(loadRichMenu).catch(() => {}), POLL_MS * 5);
    $("rich-menu-bar").addEventListener("click", (event) => {
      const tiles = $("rich-menu-tiles");
      tiles.hidden = !tiles.hidden;
      event.target.setAttribute("aria-expanded", String(!tiles.hidden));
      event.target.textContent = `${event.target.textContent.slice(0, -2)} ${tiles.hidden ? "▴" : "▾"}`;
    });
  }

  start();
})();
