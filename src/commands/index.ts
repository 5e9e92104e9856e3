import Adopt from './adopt.js';
import Apply from './apply.js';
import Comment from './comment.js';
import Completion from './completion.js';
import Drift from './drift.js';
import Help from './help.js';
import Init from './init.js';
import Inspect from './inspect.js';
import Plan from './plan.js';
import Rollback from './rollback.js';
import Show from './show.js';
import StateList from './state/list.js';
import StateShow from './state/show.js';
import Validate from './validate.js';

export const COMMANDS = {
  adopt: Adopt,
  apply: Apply,
  comment: Comment,
  completion: Completion,
  drift: Drift,
  help: Help,
  init: Init,
  inspect: Inspect,
  plan: Plan,
  rollback: Rollback,
  show: Show,
  'state:list': StateList,
  'state:show': StateShow,
  validate: Validate,
};
