// node --test ci/sticky-comment.test.js: the sticky-comment logic against a fake GitHub client.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { upsert, MARKER } = require('./sticky-comment.js');

function fakeGithub(comments) {
  const calls = [];
  const rest = {
    issues: {
      listComments: async () => ({ data: comments }),
      updateComment: async (args) => {
        calls.push(['update', args]);
        return { data: {} };
      },
      createComment: async (args) => {
        calls.push(['create', args]);
        return { data: { id: 99 } };
      },
    },
  };
  return {
    calls,
    rest,
    paginate: async (fn, args) => (await fn(args)).data,
  };
}

const context = {
  repo: { owner: 'acme', repo: 'shop' },
  payload: { pull_request: { number: 7 } },
};

test('creates the comment when there is none', async () => {
  const gh = fakeGithub([{ id: 1, body: 'LGTM', user: { type: 'User' } }]);
  const r = await upsert({ github: gh, context, body: `${MARKER}\nreport` });
  assert.deepStrictEqual(r, { action: 'created', id: 99 });
  assert.strictEqual(gh.calls[0][1].issue_number, 7);
});

test('updates the bot comment that carries the marker, and only it', async () => {
  const gh = fakeGithub([
    { id: 1, body: `quoting ${MARKER}`, user: { type: 'User' } },
    { id: 2, body: `${MARKER}\nold`, user: { type: 'Bot' } },
  ]);
  const r = await upsert({ github: gh, context, body: `${MARKER}\nnew` });
  assert.deepStrictEqual(r, { action: 'updated', id: 2 });
  assert.deepStrictEqual(gh.calls, [
    ['update', { owner: 'acme', repo: 'shop', comment_id: 2, body: `${MARKER}\nnew` }],
  ]);
});

test('leaves an identical comment alone', async () => {
  const gh = fakeGithub([{ id: 2, body: `${MARKER}\nsame`, user: { type: 'Bot' } }]);
  const r = await upsert({ github: gh, context, body: `${MARKER}\nsame` });
  assert.strictEqual(r.action, 'unchanged');
  assert.strictEqual(gh.calls.length, 0);
});

test('adds the marker when the body lacks it, and skips outside pull requests', async () => {
  const gh = fakeGithub([]);
  await upsert({ github: gh, context, body: 'report' });
  assert.ok(gh.calls[0][1].body.startsWith(MARKER));
  const r = await upsert({ github: gh, context: { repo: context.repo, payload: {} }, body: 'x' });
  assert.strictEqual(r.action, 'skipped: not a pull request');
});
