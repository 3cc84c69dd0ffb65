// Post or update the ONE wasm-migrate comment on a pull request (used by action.yml through
// actions/github-script). The comment is found by the marker line the Markdown report starts with,
// so re-runs edit it instead of adding a new comment each push.
'use strict';

const MARKER = '<!-- wasm-migrate:report -->';

/**
 * @param {object} args
 * @param {object} args.github  an authenticated Octokit (github-script's `github`)
 * @param {object} args.context github-script's `context`
 * @param {string} args.body    the Markdown report (starts with MARKER)
 * @returns {Promise<{action: string, id: number|null}>}
 */
async function upsert({ github, context, body }) {
  const issue = context.payload && context.payload.pull_request;
  if (!issue) {
    return { action: 'skipped: not a pull request', id: null };
  }
  if (!body.includes(MARKER)) {
    body = `${MARKER}\n${body}`;
  }
  const { owner, repo } = context.repo;
  const issue_number = issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number,
    per_page: 100,
  });
  // Only our own earlier comment: same marker, written by a bot (the workflow token).
  const mine = comments.find(
    (c) => typeof c.body === 'string' && c.body.includes(MARKER) && c.user && c.user.type === 'Bot',
  );
  if (mine) {
    if (mine.body === body) {
      return { action: 'unchanged', id: mine.id };
    }
    await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
    return { action: 'updated', id: mine.id };
  }
  const created = await github.rest.issues.createComment({ owner, repo, issue_number, body });
  return { action: 'created', id: created.data.id };
}

module.exports = { upsert, MARKER };
