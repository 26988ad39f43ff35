/**
 * An exception raised inside the lab ERP, with Odoo's exception name and text. The server renders it
 * as a JSON-RPC error (HTTP 200, `error.data.name`) or a JSON-2 error (HTTP status + body).
 */
export class OdooError extends Error {
  constructor(
    /** The dotted Python name, e.g. `odoo.exceptions.UserError`. */
    readonly odooName: string,
    message: string,
    /** The JSON-2 status. */
    readonly httpStatus: number,
    /** What JSON-2 says instead, when it differs (a missing model is a werkzeug NotFound there). */
    readonly json2?: { name: string; message: string },
  ) {
    super(message);
  }
}

export const userError = (message: string) => new OdooError('odoo.exceptions.UserError', message, 422);
export const validationError = (message: string) => new OdooError('odoo.exceptions.ValidationError', message, 422);
export const accessDenied = () => new OdooError('odoo.exceptions.AccessDenied', 'Access Denied', 401);
export const valueError = (message: string) => new OdooError('builtins.ValueError', message, 422);

export function accessError(modelDescription: string, model: string, groupLabel: string, operation = 'access'): OdooError {
  return new OdooError(
    'odoo.exceptions.AccessError',
    `You are not allowed to ${operation} '${modelDescription}' (${model}) records.\n\n` +
      `This operation is allowed for the following groups:\n\t- ${groupLabel}\n\nContact your administrator to request access if necessary.`,
    403,
  );
}

export function missingModel(model: string): OdooError {
  return new OdooError('odoo.exceptions.UserError', `Object ${model} doesn't exist`, 404, {
    name: 'werkzeug.exceptions.NotFound',
    message: `the model '${model}' does not exist`,
  });
}

export function missingMethod(model: string, method: string): OdooError {
  return new OdooError('builtins.AttributeError', `The method '${method}' does not exist on the model '${model}'`, 404, {
    name: 'werkzeug.exceptions.NotFound',
    message: `the method '${method}' does not exist on the model '${model}'`,
  });
}

export function missingRecord(model: string, ids: readonly number[]): OdooError {
  return new OdooError(
    'odoo.exceptions.MissingError',
    `Record does not exist or has been deleted.\n(Record: ${model}(${ids.join(', ')}), User: 7)`,
    404,
  );
}
