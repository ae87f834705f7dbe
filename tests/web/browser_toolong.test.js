// browser_toolong.test.js - over-long text on the staff page: every textarea
// carries maxlength; a text over a record's bound (but under the server's body
// cap) gets the form back with the message and what was typed; a form over the
// body cap gets a Chinese page with a way back to the form, not a JSON error;
// nothing is written either way.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { startNode, launchBrowser } = require('./lib.js');

test('over-long texts are stopped or answered in words, and nothing is written', async (t) => {
  const node = await startNode(t);
  const id = node.cli('org', 'file', '--name', '幸福社区书画工作站', '--category', '书画',
    '--leader', '赵敏', '--phone', '13700000000', '--members', '8', '--party-members', '1',
    '--founded-by', 'street').trim().split('\n').pop();
  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  await page.goto(`${node.url}reports/new?org=${id}`);
  for (const ta of await page.$$('textarea'))
    assert.equal(await ta.getAttribute('maxlength'), '1333', 'every textarea has maxlength');

  // Over the record's bound: 2,000 characters (6,000 bytes) typed past maxlength.
  const fill = async (text) => {
    await page.fill('#f-activities', '2');
    await page.fill('#f-participants', '30');
    await page.fill('#f-party_participants', '3');
    await page.$eval('#f-content', (el, v) => { el.removeAttribute('maxlength'); el.value = v; }, text);
  };
  await fill('长'.repeat(2000));
  await Promise.all([page.waitForLoadState('load'), page.click('form.rec button[type=submit]')]);
  assert.match(await page.textContent('.msg.error'), /未保存.*活动内容.*过长/);
  assert.equal((await page.inputValue('#f-content')).length, 2000, 'the typed text comes back');

  // Over the server's body cap: 200,000 characters.
  await fill('长'.repeat(200000));
  const [resp] = await Promise.all([page.waitForNavigation(), page.click('form.rec button[type=submit]')]);
  assert.equal(resp.status(), 413);
  const body = await page.textContent('body');
  assert.match(body, /内容太长/);
  assert.match(body, /缩短后重新提交/);
  assert.doesNotMatch(body, /TOO_LARGE|request body/);
  assert.match(await page.getAttribute('.error-box a', 'href'), /^\/reports\/new/);

  const none = await (await page.request.get(`${node.url}api/reports?org=${id}`)).json();
  assert.deepEqual(none, [], 'nothing was written');
});
