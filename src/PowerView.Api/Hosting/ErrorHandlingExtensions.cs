namespace PowerView.Api.Hosting;

internal static class ErrorHandlingExtensions
{
    /// <summary>Every error answer is ProblemDetails (RFC 9457), with the request's trace id.</summary>
    public static IHostApplicationBuilder AddErrorHandling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // A query value that does not bind (limit=abc): say which, as the framework's message does.
            if (context.Exception is BadHttpRequestException bad)
            {
                context.ProblemDetails.Detail = bad.Message;
            }
        });
        return builder;
    }

    /// <summary>Unexpected exceptions become a logged 500 ProblemDetails; bodiless 4xx/5xx (404 of an unknown path,
    /// a parameter that does not bind) get a ProblemDetails body too.</summary>
    public static WebApplication UseErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // In Development minimal APIs throw on a parameter that does not bind; it is still the caller's 400.
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        return app;
    }
}
