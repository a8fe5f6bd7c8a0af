// A realistic portfolio written into a board by a JavaScript automerge-repo client (as a
// script would), for the decision pages' tests: the pages that edit financials, risks and
// milestones belong to another part of the app, and typing a whole portfolio through the UI
// would make every test slow. The server's gate checks these changes like any other.
import { expect } from "@playwright/test";
import { Repo } from "@automerge/automerge-repo";
import { BrowserWebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

/** The ISO week (`2026-W48`) containing `date`, and the `count` weeks from it. */
export function isoWeeks(date, count) {
  const weeks = [];
  for (let i = 0; i < count; i++) {
    const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 7 * i));
    // The week's Thursday decides its year; its week number counts from that year's start.
    day.setUTCDate(day.getUTCDate() + 4 - (day.getUTCDay() || 7));
    const year = day.getUTCFullYear();
    const week = Math.ceil(((day - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
    weeks.push(`${year}-W${String(week).padStart(2, "0")}`);
  }
  return weeks;
}

/**
 * Writes the portfolio into `board` as `owner` and returns the ids it used. Projects, in
 * priority order:
 *
 * | project | stage | budget | AC | PV | EV | manager's RAG |
 * |---|---|---|---|---|---|---|
 * | ERP upgrade | active | 400,000 | 180,000 | 200,000 | 160,000 | green |
 * | CRM rollout | approved | 250,000 | – | – | – | – |
 * | Data platform | proposed | 300,000 | – | – | – | – |
 * | Mobile app | screening | 150,000 | – | – | – | – |
 * | Legacy retire | closed | 80,000 | 76,000 | 80,000 | 80,000 | – |
 *
 * Budget envelope 900,000. Objectives Growth (3), Efficiency (2), Compliance (1). Criteria
 * Value (3, more is better) and Risk (1, less is better), every project in play scored.
 */
export async function seedPortfolio(server, owner, board) {
  const token = await server.createToken(owner, "seed");
  const network = new BrowserWebSocketClientAdapter(`ws://127.0.0.1:${server.port}/sync?token=${encodeURIComponent(token)}`);
  const repo = new Repo({ network: [network] });
  try {
    await expect.poll(() => repo.peers.length).toBeGreaterThan(0);
    const handle = await repo.find(board.id);
    const weeks = isoWeeks(new Date(), 4);
    const ids = {
      erp: "p-erp", crm: "p-crm", data: "p-data", mobile: "p-mobile", legacy: "p-legacy",
      growth: "o-growth", efficiency: "o-efficiency", compliance: "o-compliance",
      value: "c-value", risk: "c-risk",
      li: "person-li", wang: "person-wang", chen: "person-chen",
    };
    handle.change((doc) => {
      doc.settings.budget_envelope = 900000;
      const projects = [
        [ids.erp, "ERP upgrade", "active", 400000, "2080", { actual_cost: 180000, planned_value: 200000, earned_value: 160000, manual_rag: "green" }],
        [ids.crm, "CRM rollout", "approved", 250000, "3080", {}],
        [ids.data, "Data platform", "proposed", 300000, "4080", {}],
        [ids.mobile, "Mobile app", "screening", 150000, "5080", {}],
        [ids.legacy, "Legacy retire", "closed", 80000, "6080", {
          actual_cost: 76000, planned_value: 80000, earned_value: 80000, start: "2026-01-05", end: "2026-06-30",
          actual_finish: "2026-06-26", scope_accepted: true,
        }],
      ];
      for (const [id, name, stage, budget, position, extra] of projects) {
        doc.projects[id] = { name, stage, budget, position, ...extra };
      }
      doc.objectives[ids.growth] = { name: "Revenue growth", weight: 3 };
      doc.objectives[ids.efficiency] = { name: "Operational efficiency", weight: 2 };
      doc.objectives[ids.compliance] = { name: "Regulatory compliance", weight: 1 };
      for (const [project, objective, share] of [
        [ids.erp, ids.efficiency, 0.8], [ids.erp, ids.compliance, 0.5], [ids.crm, ids.growth, 0.7],
        [ids.data, ids.growth, 0.5], [ids.data, ids.efficiency, 0.6], [ids.mobile, ids.growth, 0.4],
      ]) {
        doc.contributions[`${project}/${objective}`] = share;
      }
      doc.criteria[ids.value] = { name: "Strategic value", weight: 3, direction: "higher-is-better" };
      doc.criteria[ids.risk] = { name: "Delivery risk", weight: 1, direction: "lower-is-better" };
      for (const [project, value, risk] of [[ids.erp, 8, 4], [ids.crm, 6, 2], [ids.data, 9, 5], [ids.mobile, 4, 1]]) {
        doc.scores[`${project}/${ids.value}`] = value;
        doc.scores[`${project}/${ids.risk}`] = risk;
      }
      for (const [id, name, role, capacity] of [
        [ids.li, "Li Wei", "developer", 40], [ids.wang, "Wang Fang", "developer", 40], [ids.chen, "Chen Jing", "analyst", 32],
      ]) {
        doc.people[id] = { name, role, team: "Delivery", capacity_hours_per_week: capacity };
      }
      for (const week of weeks) {
        doc.allocations[`${ids.erp}/${ids.li}/${week}`] = 32;
        doc.allocations[`${ids.crm}/${ids.wang}/${week}`] = 16;
        doc.allocations[`${ids.data}/${ids.wang}/${week}`] = 20;
        doc.allocations[`${ids.data}/${ids.chen}/${week}`] = 16;
        doc.allocations[`${ids.mobile}/${ids.chen}/${week}`] = 12;
      }
      doc.risks["r-vendor"] = { project: ids.data, title: "Vendor lock-in", probability: 4, impact: 4, owner: "Chen", roam: "owned" };
      doc.risks["r-cutover"] = { project: ids.erp, title: "Cut-over weekend", probability: 2, impact: 5, owner: "Li", roam: "mitigated" };
      doc.risks["r-adoption"] = { project: ids.crm, title: "Low adoption", probability: 3, impact: 3, owner: "Wang", roam: "accepted" };
      doc.milestones["m-design"] = { project: ids.erp, name: "Design signed off", due: "2026-03-01", done_on: "2026-02-26" };
      doc.milestones["m-build"] = { project: ids.erp, name: "Build complete", due: "2026-08-01", done_on: "2026-08-15" };
      doc.milestones["m-pilot"] = { project: ids.crm, name: "Pilot", due: "2026-12-15" };
    });
    return ids;
  } finally {
    // Give the sync a moment to leave before the socket closes; callers wait for the data
    // to show in the app anyway.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await repo.shutdown();
  }
}
