import { liveKitSdk, type LiveKitSdk } from './sdk';
import { assertLiveKitCredentials, type LiveKitConfig } from './livekit.config';

export interface StartedRecording {
  egressId: string;
}

/** What the rest of Hearth needs from LiveKit's room APIs. */
export interface LiveRooms {
  /** Starts a composite (whole-room) MP4 recording; `filepath` may use LiveKit templates such as `{time}`. */
  startRoomRecording(roomName: string, filepath: string): Promise<StartedRecording>;
}

export interface LiveKitRoomsOptions {
  /** Seconds before an API call is abandoned. The SDK default is 10. */
  requestTimeoutSeconds?: number;
}

export class LiveKitRooms implements LiveRooms {
  private egressClient?: LiveKitSdk.EgressClient;

  constructor(
    private readonly config: LiveKitConfig,
    private readonly options: LiveKitRoomsOptions = {},
  ) {
    assertLiveKitCredentials(config);
  }

  /** Made at the first call: the SDK loads then (integrations/livekit/sdk.ts). */
  private get egress(): LiveKitSdk.EgressClient {
    const { config, options } = this;
    return (this.egressClient ??= new (liveKitSdk().EgressClient)(config.url, config.apiKey, config.apiSecret, {
      requestTimeout: options.requestTimeoutSeconds,
    }));
  }

  /** Rejects with the SDK's TwirpError when LiveKit refuses the request (status and code attached). */
  async startRoomRecording(roomName: string, filepath: string): Promise<StartedRecording> {
    const { EncodedFileOutput, EncodedFileType } = liveKitSdk();
    const file = new EncodedFileOutput({ fileType: EncodedFileType.MP4, filepath });
    // `{ file }` sends only the current `fileOutputs` list, not the deprecated single `file` field too.
    const info = await this.egress.startRoomCompositeEgress(roomName, { file });
    if (!info.egressId) throw new Error(`LiveKit started no egress for room ${roomName}.`);
    return { egressId: info.egressId };
  }
}
