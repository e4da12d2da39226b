// Live tables and job pages: each element with data-feed listens to its server-sent events and
// redraws with textContent (never innerHTML from data). No framework, no build step.
"use strict";
(function () {
  const FINAL = ["succeeded", "failed", "cancelled"];

  function cell(row, text, cls) {
    const td = document.createElement("td");
    if (cls) {
      const span = document.createElement("span");
      span.className = "state " + text;
      span.textContent = text;
      td.appendChild(span);
    } else {
      td.textContent = text == null ? "" : String(text);
    }
    row.appendChild(td);
    return td;
  }

  const renderers = {
    cluster(element, cluster) {
      element.querySelector("#nodes tbody").replaceChildren(...cluster.nodes.map(n => {
        const tr = document.createElement("tr");
        cell(tr, n.name); cell(tr, n.state, true); cell(tr, n.heartbeat); cell(tr, n.running);
        cell(tr, n.queued); cell(tr, n.workers); cell(tr, n.memory); cell(tr, n.devices);
        return tr;
      }));
      element.querySelector("#devices tbody").replaceChildren(...cluster.devices.map(d => {
        const tr = document.createElement("tr");
        cell(tr, d.id); cell(tr, d.kind); cell(tr, d.model); cell(tr, d.state, true); cell(tr, d.running);
        cell(tr, d.queued); cell(tr, d.memory); cell(tr, d.cached); cell(tr, d.targets);
        return tr;
      }));
    },
    jobs(element, jobs) {
      const body = element.querySelector("tbody");
      body.replaceChildren(...jobs.map(j => {
        const tr = document.createElement("tr");
        const link = document.createElement("a");
        link.href = "/jobs/" + encodeURIComponent(j.id);
        link.textContent = j.id;
        cell(tr, "").appendChild(link);
        cell(tr, j.state, true); cell(tr, j.owner); cell(tr, j.kernel); cell(tr, j.target);
        cell(tr, j.node); cell(tr, j.created); cell(tr, j.kernel_time); cell(tr, j.why);
        return tr;
      }));
    },
    job(element, job) {
      if (!job) return;
      for (const field of ["target", "node", "started", "finished", "kernel_time", "why"]) {
        const target = element.querySelector(`[data-field="${field}"]`);
        if (target) target.textContent = job[field] || "";
      }
      const state = element.querySelector('[data-field="state"]');
      if (state) { state.textContent = job.state; state.className = "state " + job.state; }
      if (FINAL.includes(job.state)) {
        element.querySelectorAll("[data-hide-when-final]").forEach(e => e.remove());
      }
      const outputs = element.querySelector('[data-field="outputs"]');
      if (outputs && job.outputs && outputs.children.length !== job.outputs.length) {
        outputs.replaceChildren(...job.outputs.map(name => {
          const li = document.createElement("li");
          const a = document.createElement("a");
          a.href = `/jobs/${encodeURIComponent(job.id)}/outputs/${encodeURIComponent(name)}.npy`;
          a.setAttribute("download", "");
          a.textContent = name + ".npy";
          li.appendChild(a);
          return li;
        }));
      }
    },
  };

  function listen(element) {
    const render = renderers[element.dataset.render];
    if (!render || !window.EventSource) return;
    const source = new EventSource(element.dataset.feed);
    source.onmessage = event => render(element, JSON.parse(event.data));
    // A session that ended (token rotated or removed): the stream closes; go to sign-in.
    source.onerror = () => {
      source.close();
      fetch(location.pathname, { method: "HEAD", redirect: "manual" }).then(r => {
        if (r.type === "opaqueredirect" || r.status === 401 || r.status === 302) location.assign("/login");
        else setTimeout(() => listen(element), 2000);
      }).catch(() => setTimeout(() => listen(element), 2000));
    };
  }

  document.addEventListener("DOMContentLoaded", () => document.querySelectorAll("[data-feed]").forEach(listen));
})();
