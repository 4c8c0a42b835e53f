/**
 * The code of an execute result whose child process died (or was not running) before the engine
 * call began: the batch itself cannot have caused the crash, so the runtime may retry it once on
 * another instance of the same version. Clients never see it: it is answered as ENGINE_CRASHED.
 */
export const ENGINE_CRASHED_BEFORE_START = 'ENGINE_CRASHED_BEFORE_START';
