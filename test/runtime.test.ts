/** npm scripts must run the Node 24 from the `node` devDependency, not the machine's own Node. */
it('runs on Node 24', () => {
  expect(process.version).toMatch(/^v24\./);
});
