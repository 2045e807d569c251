export {
  AwsSigV4Error,
  AwsSigV4ConfigurationError,
  AwsSigV4RequestError,
  AwsSigV4AbortError,
} from './errors'
