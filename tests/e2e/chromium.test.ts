// Without Chromium the e2e test must fail and say how to install it, never pass silently.
import { chromiumPath } from './browser';

test('a missing Chromium is an error naming the install command', () => {
  expect(() => chromiumPath(['/nonexistent/chromium', undefined])).toThrow(/apt-get install -y chromium/);
  expect(() => chromiumPath([])).toThrow(/needs Chromium/);
});
