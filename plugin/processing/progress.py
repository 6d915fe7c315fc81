"""The engine's progress and cancellation hook, bound to a Processing feedback object."""


def feedback_progress(feedback):
    """A ``progress(fraction, message)`` function for the engine, reporting to ``feedback``.

    The engine calls it between stages and inside long loops; it returns True once the user
    has cancelled, which stops the engine. A stage repeats its message with each step of it:
    the log shows each message once.

    Parameters
    ----------
    feedback : QgsProcessingFeedback

    Returns
    -------
    callable
        ``progress(fraction, message) -> bool``, fraction in [0, 1] of the whole run.
    """
    shown = []

    def progress(fraction, message):
        if message and (not shown or shown[-1] != message):
            shown.append(message)
            feedback.setProgressText(message)
        feedback.setProgress(100.0 * fraction)
        return feedback.isCanceled()

    return progress
