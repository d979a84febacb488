//! Time entries two ways: the caller's own (`/me/time_entries`, capped at 1000, no
//! pagination) and everyone's through the Reports v3 detailed report (row-number pages).

use super::answer::Answer;
use super::render;
use super::routes::Call;
use super::scenario::{Scenario, TimeEntry, User};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

const ME_TIME_ENTRIES_CAP: usize = 1000;

/// `YYYY-MM-DD` (midnight UTC) or RFC 3339.
fn parse_instant(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
            Some(day.and_hms_opt(0, 0, 0)?.and_utc())
        })
}

fn parse_param(call: &Call, name: &str) -> Result<Option<DateTime<Utc>>, Answer> {
    match call.query.get(name) {
        None => Ok(None),
        Some(raw) => parse_instant(raw)
            .map(Some)
            .ok_or_else(|| Answer::error(400, &format!("Invalid '{name}' value"))),
    }
}

pub(crate) fn my_time_entries(s: &Scenario, user: &User, call: &Call) -> Answer {
    if call.query.contains_key("since") && call.query.contains_key("before") {
        return Answer::error(
            400,
            "'since' and 'before' can not be present simultaneously",
        );
    }
    let (start, end, before) = match (
        parse_param(call, "start_date"),
        parse_param(call, "end_date"),
        parse_param(call, "before"),
    ) {
        (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e,
    };
    if let Some(raw) = call.query.get("since") {
        return changed_since(s, user, raw);
    }
    if start.is_some() != end.is_some() {
        return Answer::error(400, "start_date and end_date must be used together");
    }
    if let (Some(start), Some(earliest)) = (start, s.shape.own_entries_earliest) {
        if start.date_naive() < earliest {
            return Answer::error(
                400,
                &format!("start_date must not be earlier than {earliest}"),
            );
        }
    }
    let mut entries: Vec<&TimeEntry> = s
        .live_entries()
        .filter(|e| e.user_id == user.id)
        .filter(|e| start.is_none_or(|t| e.start >= t) && end.is_none_or(|t| e.start < t))
        .filter(|e| before.is_none_or(|t| e.start < t))
        .collect();
    entries.sort_by(|a, b| b.start.cmp(&a.start).then(b.id.cmp(&a.id)));
    capped(s, entries)
}

/// The first 1000 of `entries`, as `/me/time_entries` caps every answer.
fn capped(s: &Scenario, entries: Vec<&TimeEntry>) -> Answer {
    Answer::ok(
        entries
            .into_iter()
            .take(ME_TIME_ENTRIES_CAP)
            .map(|e| render::time_entry(s, e))
            .collect(),
    )
}

/// `?since=<unix seconds>`: the caller's entries changed since then in every workspace,
/// deleted ones included (with `server_deleted_at`), newest change first, at most 1000.
/// A `since` further back than [`Shape::own_entries_since_days`](super::Shape) is
/// refused with a 400 (Toggl bounds it to about three months; the sentence follows the
/// one Toggl's v8 gave, "The 'since' value should be within last two months").
fn changed_since(s: &Scenario, user: &User, raw: &str) -> Answer {
    let Some(since) = raw
        .parse::<i64>()
        .ok()
        .and_then(|t| DateTime::from_timestamp(t, 0))
    else {
        return Answer::error(400, "Invalid 'since' value");
    };
    if let Some(days) = s.shape.own_entries_since_days {
        if since < Utc::now() - chrono::Duration::days(i64::from(days)) {
            return Answer::error(400, "The 'since' value should be within last three months");
        }
    }
    let mut entries: Vec<&TimeEntry> = s
        .time_entries
        .iter()
        .filter(|e| e.user_id == user.id && e.last_update() >= since)
        .collect();
    entries.sort_by(|a, b| b.last_update().cmp(&a.last_update()).then(b.id.cmp(&a.id)));
    capped(s, entries)
}

/// How the detailed report orders its rows: by start (Toggl's default, `date`) or by
/// last update (`order_by: "last_update"`), ascending unless `order_dir` is `DESC`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    Date,
    LastUpdate,
}

fn report_order(s: &Scenario, body: &Value) -> (Order, bool) {
    if s.shape.report_ignores_order {
        return (Order::Date, false);
    }
    let text = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or_default();
    let order = match text("order_by") {
        "last_update" => Order::LastUpdate,
        _ => Order::Date,
    };
    (order, text("order_dir").eq_ignore_ascii_case("desc"))
}

/// Rows of entries started from `start_date` through `end_date` (whole days), oldest
/// first. `X-Next-Row-Number`, `X-Next-ID` and `X-Next-Timestamp` name the next page; the
/// last page has none. A request naming `first_timestamp` and `first_id` starts at that
/// row wherever it now is (Toggl documents the fields; how it combines them with
/// `first_row_number` is unconfirmed); otherwise `first_row_number` is an offset.
pub(crate) fn detailed_report(s: &Scenario, user: &User, wid: i64, call: &Call) -> Answer {
    let zone = render::zone(&user.timezone);
    let Ok(body) = serde_json::from_slice::<Value>(call.body) else {
        return Answer::error(400, "Invalid JSON body");
    };
    let date = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .and_then(parse_instant)
    };
    let (Some(start), Some(end)) = (date("start_date"), date("end_date")) else {
        return Answer::error(400, "At least one parameter must be set");
    };
    let (range_start, range_end) = (start.date_naive(), end.date_naive());
    if range_start > range_end {
        return Answer::error(400, "Invalid 'start_date' value: must be before end_date");
    }
    if s.shape
        .report_max_span_days
        .is_some_and(|days| (range_end - range_start).num_days() >= i64::from(days))
    {
        return Answer::error(400, "The maximum date range for this report is one year");
    }
    let day_zone = if s.shape.report_dates_in_user_time_zone {
        zone.clone()
    } else {
        jiff::tz::TimeZone::UTC
    };
    let start = render::local_midnight(&day_zone, range_start);
    let end_exclusive = render::local_midnight(&day_zone, range_end + chrono::Duration::days(1));
    let number = |key: &str| body.get(key).and_then(Value::as_u64);
    let asked = number("page_size").map_or(s.shape.report_page_size, |n| n as usize);
    if asked > s.shape.report_max_page_size && s.shape.report_refuses_large_page_size {
        return Answer::error(
            400,
            &format!(
                "Invalid 'page_size' value: must not exceed {}",
                s.shape.report_max_page_size
            ),
        );
    }
    let page_size = asked.min(s.shape.report_max_page_size).max(1);
    let first_row = number("first_row_number").unwrap_or(1).max(1) as usize;
    let users: Option<Vec<i64>> = body
        .get("user_ids")
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_i64).collect());
    let mut rows: Vec<&TimeEntry> = s
        .live_entries()
        .filter(|e| e.workspace_id == wid && e.start >= start && e.start < end_exclusive)
        .filter(|e| users.as_ref().is_none_or(|ids| ids.contains(&e.user_id)))
        .collect();
    let (order, descending) = report_order(s, &body);
    rows.sort_by(|a, b| {
        let ascending = match order {
            Order::Date => a.start.cmp(&b.start),
            Order::LastUpdate => a.last_update().cmp(&b.last_update()),
        }
        .then(a.id.cmp(&b.id));
        if descending {
            ascending.reverse()
        } else {
            ascending
        }
    });
    let keyset = number("first_timestamp").zip(number("first_id"));
    let skip = match keyset {
        _ if call.endless_report => 0,
        // In any other order the cursor's row is found by its id (which Toggl names).
        Some((_, id)) if order != Order::Date || descending => rows
            .iter()
            .position(|e| e.id as u64 == id)
            .unwrap_or(first_row - 1),
        Some((timestamp, id)) => rows
            .iter()
            .position(|e| (e.start.timestamp() as u64, e.id as u64) >= (timestamp, id))
            .unwrap_or(rows.len()),
        None => first_row - 1,
    };
    let page: Vec<Value> = rows
        .iter()
        .enumerate()
        .skip(skip)
        .take(page_size)
        .map(|(i, e)| render::report_row(s, e, i + 1, &zone))
        .collect();
    let next_row = if call.endless_report {
        first_row + page_size
    } else {
        skip + page_size + 1
    };
    let mut answer = Answer::ok(page.into())
        .header("x-page-size", page_size)
        .header("x-range-start", range_start)
        .header("x-range-end", range_end);
    if call.endless_report && !rows.is_empty() {
        return answer
            .header("x-next-row-number", next_row)
            .header("x-next-id", rows[0].id)
            .header("x-next-timestamp", rows[0].start.timestamp());
    }
    if let Some(next) = rows.get(next_row - 1) {
        answer = answer
            .header("x-next-row-number", next_row)
            .header("x-next-id", next.id)
            .header("x-next-timestamp", next.start.timestamp());
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::super::{FakeToggl, Scenario};
    use reqwest::Client;
    use serde_json::{json, Value};

    const USER: i64 = 1;

    async fn own(fake: &FakeToggl, query: &str) -> (u16, Value) {
        let response = Client::new()
            .get(format!("{}/api/v9/me/time_entries?{query}", fake.url()))
            .basic_auth(fake.token_of(USER), Some("api_token"))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    async fn report(fake: &FakeToggl, body: Value) -> (Vec<i64>, Option<(String, String, String)>) {
        let response = Client::new()
            .post(format!(
                "{}/reports/api/v3/workspace/1001/search/time_entries",
                fake.url()
            ))
            .basic_auth(fake.token_of(USER), Some("api_token"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        let next = header("x-next-row-number")
            .zip(header("x-next-id"))
            .zip(header("x-next-timestamp"))
            .map(|((row, id), ts)| (row, id, ts));
        let rows: Value = response.json().await.unwrap();
        let ids = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["time_entries"][0]["id"].as_i64().unwrap())
            .collect();
        (ids, next)
    }

    fn own_ids(s: &Scenario, n: usize) -> Vec<i64> {
        s.live_entries()
            .filter(|e| e.user_id == USER && e.workspace_id == 1001)
            .take(n)
            .map(|e| e.id)
            .collect()
    }

    #[tokio::test]
    async fn since_serves_what_changed_with_deletions_and_refuses_one_too_old() {
        let fake = FakeToggl::start(Scenario::generated(3, 1, 2, 120)).await;
        let before = chrono::Utc::now().timestamp() - 1;
        let ids = own_ids(&fake.scenario(), 2);
        fake.update_scenario(|s| {
            s.edit_entry(ids[0], |e| e.description = Some("Edited".into()));
            s.delete_entry(ids[1]);
        });
        let (status, changed) = own(&fake, &format!("since={before}")).await;
        assert_eq!(status, 200);
        let changed = changed.as_array().unwrap();
        assert_eq!(changed.len(), 2);
        let deleted: Vec<&Value> = changed
            .iter()
            .filter(|e| !e["server_deleted_at"].is_null())
            .collect();
        assert_eq!(deleted.len(), 1);
        assert_eq!(deleted[0]["id"], json!(ids[1]));
        let (_, window) = own(&fake, "start_date=2025-10-03&end_date=2026-01-02").await;
        let served: Vec<i64> = window
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect();
        assert!(served.contains(&ids[0]) && !served.contains(&ids[1]));

        let old = before - 100 * 86_400;
        let (status, said) = own(&fake, &format!("since={old}")).await;
        assert_eq!(status, 400);
        assert!(said.as_str().unwrap().contains("'since'"), "{said}");
        fake.update_scenario(|s| s.shape.own_entries_since_days = None);
        assert_eq!(own(&fake, &format!("since={old}")).await.0, 200);
    }

    #[tokio::test]
    async fn the_report_lists_latest_changes_first_pages_by_its_headers_and_hides_deletions() {
        let mut scenario = Scenario::generated(3, 1, 2, 120);
        scenario.shape.report_max_page_size = 1000;
        let fake = FakeToggl::start(scenario).await;
        let ids = own_ids(&fake.scenario(), 4);
        for id in &ids[..3] {
            fake.update_scenario(|s| {
                s.edit_entry(*id, |e| e.billable = !e.billable);
            });
        }
        fake.update_scenario(|s| {
            s.delete_entry(ids[3]);
        });
        let query = json!({"start_date": "2025-09-01", "end_date": "2026-01-01",
            "order_by": "last_update", "order_dir": "DESC", "page_size": 2});
        let (first, next) = report(&fake, query.clone()).await;
        let mut latest = ids[..3].to_vec();
        latest.reverse();
        let (row, id, timestamp) = next.expect("a next page");
        assert_eq!((first.as_slice(), row.as_str()), (&latest[..2], "3"));
        assert_eq!(id, latest[2].to_string());
        let mut second_query = query.clone();
        second_query["first_row_number"] = json!(3);
        second_query["first_id"] = json!(latest[2]);
        second_query["first_timestamp"] = json!(timestamp.parse::<i64>().unwrap());
        let (second, _) = report(&fake, second_query).await;
        assert_eq!(second[0], latest[2], "the page starts at the row named");

        let everything = json!({"start_date": "2025-09-01", "end_date": "2026-01-01",
            "page_size": 1000});
        let (all, _) = report(&fake, everything).await;
        assert!(!all.contains(&ids[3]), "a deleted entry is in no report");
        assert_eq!(all.len(), 119);
    }
}
