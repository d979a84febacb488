// About: the version and where the app keeps its data and logs.
import { api } from "../api.js";
import { h } from "../dom.js";

export async function render(main) {
  main.append(h("h1", {}, "About Blink Connections"));
  try {
    const info = await api.appInfo();
    main.append(
      h("dl", { class: "facts", id: "about-facts" },
        h("dt", {}, "Version"), h("dd", { id: "about-version" }, info.version),
        h("dt", {}, "Data folder"), h("dd", {}, info.data_dir),
        h("dt", {}, "Logs"), h("dd", {}, info.log_dir),
        h("dt", {}, "Toggl address"), h("dd", {}, info.toggl_url),
      ),
    );
  } catch (e) {
    main.append(h("p", { role: "alert", class: "error" }, e.message));
  }
}
