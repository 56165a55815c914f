// The admin page's only script. Every value that comes from the server (conversation ids, message ids, Pancake's
// errors: customer-supplied text) goes into the page through textContent, never as markup.
'use strict';

const TOKEN_KEY = 'chat-orchestrator-admin-token';
const REFRESH_MS = 5000;
const PAGE_SIZE = 100;
let offset = 0;
let timer = null;

const $ = (id) => document.getElementById(id);

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function notify(text, isError) {
  const notice = $('notice');
  notice.textContent = text;
  notice.className = isError ? 'error' : '';
}

class TokenRefused extends Error {}

// A person's JWT is a bearer value like the admin token; its refusals say what to do next.
function refusal(status, body) {
  const code = body && body.error ? body.error.code : '';
  if (status === 403) {
    return 'Your token is valid but does not carry the admin role: ask for the role, or sign in with another token.';
  }
  if (code === 'token_expired') {
    return 'Your token has expired: sign in again with a fresh one.';
  }
  return 'The admin token was refused: it is wrong, or not valid here.';
}

async function call(method, path, json) {
  const headers = { Authorization: 'Bearer ' + token(), Accept: 'application/json' };
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
    cache: 'no-store',
  });
  if (response.status === 401 || response.status === 403) {
    throw new TokenRefused(refusal(response.status, await response.json().catch(() => null)));
  }
  const body = await response.json();
  if (!response.ok) {
    throw new Error(body.error ? body.error.code + ': ' + body.error.message : 'HTTP ' + response.status);
  }
  return body;
}

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '' : String(text);
  if (className) {
    td.className = className;
  }
  row.appendChild(td);
  return td;
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

function figure(list, label, value) {
  const box = document.createElement('div');
  const dt = document.createElement('dt');
  const dd = document.createElement('dd');
  dt.textContent = label;
  dd.textContent = String(value);
  box.append(dt, dd);
  list.appendChild(box);
}

function renderFigures(health, stats) {
  const badge = $('health-status');
  badge.textContent = health.status;
  badge.className = 'badge ' + health.status;
  const list = $('figures');
  list.replaceChildren();
  const s = health.statistics;
  figure(list, 'Conversations', s.total_conversations);
  figure(list, 'Active in the last hour', stats.conversations.recent);
  figure(list, 'AI answering now', s.active_ai_tasks);
  figure(list, 'Stuck', s.stuck_conversations);
  figure(list, 'Deliveries pending', s.pending_deliveries);
  figure(list, 'Dead letters', s.dead_letters);
  figure(list, 'Rejected by Pancake', s.rejected_deliveries);
  figure(list, 'Withheld (handed off)', s.withheld_deliveries);
  figure(list, 'Storage', health.storage_backend);
  figure(list, 'Redis', health.redis_status);
  figure(list, 'PostgreSQL', health.postgres_status);
}

function renderConversations(listing, stuckById) {
  const body = $('conversations');
  body.replaceChildren();
  const onlyAttention = $('only-attention').checked;
  for (const c of listing.conversations) {
    const stuck = stuckById.get(c.conversation_id);
    const needsAttention = c.ai_processing || c.pending_messages > 0 || stuck;
    if (onlyAttention && !needsAttention) {
      continue;
    }
    const row = document.createElement('tr');
    row.dataset.conversationId = c.conversation_id;
    cell(row, c.conversation_id, 'text');
    cell(row, c.last_message_id, 'text');
    cell(row, new Date(c.last_message_timestamp * 1000).toISOString());
    const state = stuck ? 'stuck (' + stuck.reason.replaceAll('_', ' ') + ')'
      : c.ai_processing ? 'locked (AI answering)' : c.handoff ? handoffState(c.handoff)
        : c.pending_messages > 0 ? 'active' : 'idle';
    cell(row, state, stuck ? 'state-stuck' : c.ai_processing ? 'state-locked' : c.handoff ? 'state-people' : '');
    cell(row, c.pending_messages);
    cell(row, c.context_size);
    const actions = cell(row, '');
    if (c.ai_processing || c.pending_messages > 0 || stuck) {
      actions.appendChild(button('Force release', () => forceRelease(c.conversation_id)));
    }
    actions.appendChild(c.handoff ? button('Resume', () => resume(c.conversation_id))
      : button('Hand off', () => handOff(c.conversation_id)));
    body.appendChild(row);
  }
  const last = Math.min(listing.offset + listing.conversations.length, listing.total_conversations);
  $('page-info').textContent = (listing.total_conversations === 0 ? 0 : listing.offset + 1) + '–' + last
    + ' of ' + listing.total_conversations;
  $('previous-page').disabled = listing.offset === 0;
  $('next-page').disabled = last >= listing.total_conversations;
}

function renderDeliveries(listing) {
  const body = $('deliveries');
  body.replaceChildren();
  for (const d of listing.deliveries) {
    const row = document.createElement('tr');
    row.dataset.runId = d.run_id;
    cell(row, d.run_id, 'text');
    cell(row, d.conversation_id, 'text');
    cell(row, d.actions.join(', '));
    cell(row, d.attempts);
    cell(row, d.last_error, 'text');
    cell(row, d.queued_at);
    cell(row, d.age_seconds + ' s');
    const actions = cell(row, '');
    // A withheld answer is withheld again while people have its conversation: resume it first, then retry.
    if (d.status === 'dead_letter' || d.status === 'rejected' || d.status === 'withheld') {
      actions.appendChild(button('Retry', () => retry(d.run_id)));
    }
    body.appendChild(row);
  }
  if (listing.deliveries.length === 0) {
    const row = document.createElement('tr');
    cell(row, 'none').colSpan = 8;
    body.appendChild(row);
  }
}

// The owner's figures of the last 24 hours (GET /api/v1/admin/analytics); the bars are <meter> elements, so the
// page needs no inline style.
function renderAnalytics(report) {
  const totals = $('analytics-totals');
  totals.replaceChildren();
  figure(totals, 'Messages received', report.totals.messages_received);
  figure(totals, 'Answers sent', report.totals.answers_sent);
  figure(totals, 'Stale answers discarded', report.totals.stale_answers_discarded);
  figure(totals, 'Messages waiting', report.outcomes.messages_waiting);
  figure(totals, 'Answers delivered', report.outcomes.answers_delivered);
  figure(totals, 'Answers being delivered', report.outcomes.answers_delivering);
  figure(totals, 'Failed delivery attempts', report.delivery_failures.failed_attempts);
  figure(totals, 'Rejected / dead letters',
    report.delivery_failures.rejected + ' / ' + report.delivery_failures.dead_letters);
  figure(totals, 'Hand-offs by the AI', report.handoffs.by_ai);
  $('analytics-actions').textContent = 'Actions: ' + Object.entries(report.actions)
    .filter(([, count]) => count > 0).map(([type, count]) => type + ' ' + count).join(' · ');

  const latency = $('analytics-latency');
  latency.replaceChildren();
  for (const model of report.ai_latency) {
    const row = document.createElement('tr');
    cell(row, model.model, 'text');
    cell(row, model.calls);
    cell(row, model.p50_ms + ' ms');
    cell(row, model.p95_ms + ' ms');
    cell(row, model.p99_ms + ' ms');
    latency.appendChild(row);
  }
  if (report.ai_latency.length === 0) {
    const row = document.createElement('tr');
    cell(row, 'no AI call').colSpan = 5;
    latency.appendChild(row);
  }

  const hours = $('analytics-hours');
  hours.replaceChildren();
  const busiest = Math.max(1, ...report.per_hour.map((h) => h.messages_received));
  for (const hour of [...report.per_hour].reverse()) {
    const row = document.createElement('tr');
    cell(row, hour.hour.slice(0, 16).replace('T', ' '));
    cell(row, hour.messages_received);
    const bar = document.createElement('meter');
    bar.max = busiest;
    bar.value = hour.messages_received;
    cell(row, '').appendChild(bar);
    cell(row, hour.answers_sent);
    cell(row, hour.stale_answers_discarded);
    hours.appendChild(row);
  }
}

async function refresh() {
  if (!token()) {
    return;
  }
  try {
    const [health, stats, conversations, deliveries, analytics] = await Promise.all([
      call('GET', '/api/v1/admin/health'),
      call('GET', '/api/v1/admin/stats'),
      call('GET', '/api/v1/admin/conversations?offset=' + offset + '&limit=' + PAGE_SIZE),
      call('GET', '/api/v1/admin/deliveries?status=' + encodeURIComponent($('delivery-status').value)),
      call('GET', '/api/v1/admin/analytics?hours=24'),
    ]);
    const stuckById = new Map(health.stuck_conversations.map((s) => [s.conversation_id, s]));
    renderFigures(health, stats);
    renderConversations(conversations, stuckById);
    renderDeliveries(deliveries);
    renderAnalytics(analytics);
    $('refreshed-at').textContent = new Date().toLocaleTimeString();
  } catch (e) {
    failed(e);
  }
}

function failed(e) {
  if (e instanceof TokenRefused) {
    forgetToken();
  }
  notify(e.message, true);
}

async function act(method, path, done, json) {
  try {
    const body = await call(method, path, json);
    notify(done(body), false);
  } catch (e) {
    failed(e);
    return;
  }
  await refresh();
}

function forceRelease(conversationId) {
  if (!confirm('Force-release conversation ' + conversationId + '? Its running answer is cancelled.')) {
    return;
  }
  act('POST', '/api/v1/admin/conversations/' + encodeURIComponent(conversationId) + '/cancel',
    (b) => 'Conversation ' + b.conversation_id + ': lock ' + (b.lock_released ? 'released' : 'was not held')
      + ', ' + b.jobs_cancelled + ' job(s) cancelled.');
}

// Hand-off to people: the bot records the conversation's messages but does not answer them until resumed.
function handoffState(handoff) {
  return 'with people (' + (handoff.by === 'ai' ? 'by the AI' : 'by an admin')
    + (handoff.reason ? ': ' + handoff.reason : '') + ')';
}

function handOff(conversationId) {
  const reason = prompt('Hand conversation ' + conversationId + ' to people? The bot stops answering it.'
    + ' Reason (optional):', '');
  if (reason === null) {
    return;
  }
  act('POST', '/api/v1/admin/conversations/' + encodeURIComponent(conversationId) + '/handoff',
    (b) => 'Conversation ' + b.conversation_id + ' is with people.', { reason });
}

function resume(conversationId) {
  act('POST', '/api/v1/admin/conversations/' + encodeURIComponent(conversationId) + '/resume',
    (b) => 'Conversation ' + b.conversation_id + ' is back with the bot.');
}

function retry(runId) {
  act('POST', '/api/v1/admin/deliveries/' + encodeURIComponent(runId) + '/retry',
    (b) => 'Delivery ' + b.run_id + ' is ' + b.status + ' again.');
}

function cleanup(event) {
  event.preventDefault();
  const hours = $('cleanup-hours').value;
  if (!confirm('Forget idle conversations older than ' + hours + ' hours?')) {
    return;
  }
  act('POST', '/api/v1/admin/system/cleanup?max_age_hours=' + encodeURIComponent(hours),
    (b) => 'Cleanup: ' + b.removed_conversations + ' idle conversation(s) forgotten.');
}

function showPanels(signedIn) {
  $('token-form').hidden = signedIn;
  $('signed-in').hidden = !signedIn;
  $('panels').hidden = !signedIn;
  clearInterval(timer);
  timer = signedIn ? setInterval(refresh, REFRESH_MS) : null;
}

function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  showPanels(false);
}

function useToken(event) {
  event.preventDefault();
  const input = $('token-input');
  sessionStorage.setItem(TOKEN_KEY, input.value.trim());
  input.value = '';
  notify('', false);
  showPanels(true);
  refresh();
}

document.addEventListener('DOMContentLoaded', () => {
  $('token-form').addEventListener('submit', useToken);
  $('forget-token').addEventListener('click', () => { forgetToken(); notify('Token forgotten.', false); });
  $('cleanup-form').addEventListener('submit', cleanup);
  $('only-attention').addEventListener('change', refresh);
  $('delivery-status').addEventListener('change', refresh);
  $('previous-page').addEventListener('click', () => { offset = Math.max(0, offset - PAGE_SIZE); refresh(); });
  $('next-page').addEventListener('click', () => { offset += PAGE_SIZE; refresh(); });
  showPanels(Boolean(token()));
  refresh();
});
