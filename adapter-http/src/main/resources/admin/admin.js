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

async function call(method, path) {
  const response = await fetch(path, {
    method,
    headers: { Authorization: 'Bearer ' + token(), Accept: 'application/json' },
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
      : c.ai_processing ? 'locked (AI answering)' : c.pending_messages > 0 ? 'active' : 'idle';
    cell(row, state, stuck ? 'state-stuck' : c.ai_processing ? 'state-locked' : '');
    cell(row, c.pending_messages);
    cell(row, c.context_size);
    const actions = cell(row, '');
    if (c.ai_processing || c.pending_messages > 0 || stuck) {
      actions.appendChild(button('Force release', () => forceRelease(c.conversation_id)));
    }
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
    if (d.status === 'dead_letter' || d.status === 'rejected') {
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

async function refresh() {
  if (!token()) {
    return;
  }
  try {
    const [health, stats, conversations, deliveries] = await Promise.all([
      call('GET', '/api/v1/admin/health'),
      call('GET', '/api/v1/admin/stats'),
      call('GET', '/api/v1/admin/conversations?offset=' + offset + '&limit=' + PAGE_SIZE),
      call('GET', '/api/v1/admin/deliveries?status=' + encodeURIComponent($('delivery-status').value)),
    ]);
    const stuckById = new Map(health.stuck_conversations.map((s) => [s.conversation_id, s]));
    renderFigures(health, stats);
    renderConversations(conversations, stuckById);
    renderDeliveries(deliveries);
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

async function act(method, path, done) {
  try {
    const body = await call(method, path);
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
