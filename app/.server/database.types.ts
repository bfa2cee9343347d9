export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      [_ in never]: never
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      account_activation_status: { Args: { p_email: string }; Returns: string }
      account_closure_blocker: { Args: { p_user_id: string }; Returns: string }
      apply_payment_result: {
        Args: {
          p_amount_cents: number
          p_idop: string
          p_numauto: string
          p_numcli: string
          p_payload?: Json
          p_refdet: string
          p_resultrans: string
          p_source: string
          p_source_verified?: boolean
          p_tipi_token: string
          p_transaction_at: string
        }
        Returns: Json
      }
      auth_mail_request: {
        Args: { p_client: string; p_email: string }
        Returns: string
      }
      certificates_page: { Args: never; Returns: Json }
      confirm_reported_payment: {
        Args: { p_attempt_id: string; p_by: string; p_reason: string }
        Returns: Json
      }
      contact_page: { Args: never; Returns: Json }
      contract_link_page: { Args: never; Returns: Json }
      expire_payment_attempt: {
        Args: { p_attempt_id: string; p_reason: string }
        Returns: boolean
      }
      export_for_billing: {
        Args: {
          p_by?: string
          p_dry_run?: boolean
          p_from?: string
          p_kind: string
          p_numcli?: string
          p_to?: string
        }
        Returns: Json
      }
      fail_payment_start: {
        Args: { p_attempt_id: string; p_reason: string }
        Returns: boolean
      }
      frame_page: { Args: never; Returns: Json }
      health_check: { Args: never; Returns: boolean }
      home_page: { Args: never; Returns: Json }
      import_customers: {
        Args: { p_dry_run?: boolean; p_numcli: string; p_rows: Json }
        Returns: {
          changed: string[]
          customer_number: string
          line: number
          outcome: string
        }[]
      }
      import_invoices: {
        Args: { p_dry_run?: boolean; p_numcli: string; p_rows: Json }
        Returns: {
          changed: string[]
          current_pdf_sha256: string
          current_status: "unpaid" | "paid" | "treasury"
          has_pdf: boolean
          kept: string[]
          line: number
          number: string
          outcome: string
          paid_on_portal: boolean
        }[]
      }
      import_services: {
        Args: never
        Returns: {
          name: string
          numcli: string
        }[]
      }
      info_page: { Args: never; Returns: Json }
      invoice_page: { Args: { p_id: string }; Returns: Json }
      invoices_page: {
        Args: {
          p_before_date?: string
          p_before_id?: string
          p_limit: number
          p_status: "unpaid" | "paid" | "treasury"
        }
        Returns: Json
      }
      legal_info: { Args: never; Returns: Json }
      link_contract: {
        Args: {
          p_amount_cents: number
          p_customer_number: string
          p_invoice_number: string
          p_service_id: string
        }
        Returns: Json
      }
      login_attempt_check: {
        Args: { p_client: string; p_email: string }
        Returns: string
      }
      login_attempt_failed: {
        Args: { p_client: string; p_email: string }
        Returns: string
      }
      login_attempt_succeeded: {
        Args: { p_client: string; p_email: string }
        Returns: undefined
      }
      my_contact_services: {
        Args: never
        Returns: {
          accepts_messages: boolean
          general_info: string
          service_id: string
          service_name: string
        }[]
      }
      my_customers: {
        Args: never
        Returns: {
          customer_id: string
          customer_number: string
          display_name: string
          email: string
          paper_invoices: boolean
          service_id: string
          service_name: string
        }[]
      }
      my_invoice: {
        Args: { p_id: string }
        Returns: {
          amount_cents: number
          customer_id: string
          customer_name: string
          customer_number: string
          due_on: string
          has_pdf: boolean
          id: string
          issued_on: string
          number: string
          object: string
          paid_at: string
          payment_suspended: boolean
          service_id: string
          service_name: string
          status: "unpaid" | "paid" | "treasury"
        }[]
      }
      my_invoice_counts: {
        Args: never
        Returns: {
          invoice_count: number
          status: "unpaid" | "paid" | "treasury"
        }[]
      }
      my_invoice_payment: {
        Args: { p_invoice_id: string }
        Returns: {
          attempt_id: string
          block: string
          retry_after: string
        }[]
      }
      my_invoice_pdf_key: {
        Args: { p_id: string }
        Returns: {
          number: string
          object_key: string
        }[]
      }
      my_invoice_pdf_list: {
        Args: {
          p_before_date?: string
          p_before_id?: string
          p_ids?: string[]
          p_limit: number
          p_status: "unpaid" | "paid" | "treasury"
        }
        Returns: Json
      }
      my_invoices: {
        Args: {
          p_before_date?: string
          p_before_id?: string
          p_limit: number
          p_status: "unpaid" | "paid" | "treasury"
        }
        Returns: {
          amount_cents: number
          customer_id: string
          customer_name: string
          customer_number: string
          due_on: string
          id: string
          issued_on: string
          number: string
          object: string
          service_name: string
          status: "unpaid" | "paid" | "treasury"
        }[]
      }
      my_paper_status: {
        Args: never
        Returns: {
          customer_id: string
          customer_number: string
          paper_invoices: boolean
          requested_at: string
          service_name: string
        }[]
      }
      my_payable_invoices: {
        Args: never
        Returns: {
          allow_multiple_invoices: boolean
          amount_cents: number
          block: string
          due_on: string
          id: string
          issued_on: string
          number: string
          numcli: string
          object: string
          payment_provider: "payfip_ws" | "tipi"
          service_id: string
          service_name: string
          status: "unpaid" | "paid" | "treasury"
        }[]
      }
      my_payment_attempt: {
        Args: { p_attempt_id?: string; p_idop?: string }
        Returns: {
          amount_cents: number
          created_at: string
          expires_at: string
          id: string
          idop: string
          invoice_ids: string[]
          invoice_numbers: string[]
          numauto: string
          numcli: string
          provider: "payfip_ws" | "tipi"
          refdet: string
          status:
            | "pending"
            | "paid"
            | "refused"
            | "abandoned"
            | "expired"
            | "error"
            | "reported"
            | "rejected"
          transaction_at: string
        }[]
      }
      my_personal_data: { Args: never; Returns: Json }
      outbox_claim: {
        Args: {
          p_broadcast?: boolean
          p_lease_seconds: number
          p_limit: number
        }
        Returns: {
          attempts: number
          claim_token: string
          html_body: string
          id: string
          kind: string
          reply_to: string
          stream: string
          subject: string
          text_body: string
          to_address: string
          unsubscribe_account: string
        }[]
      }
      outbox_mark_failed: {
        Args: { p_claim_token: string; p_error: string; p_id: string }
        Returns: boolean
      }
      outbox_mark_retry: {
        Args: { p_claim_token: string; p_error: string; p_id: string }
        Returns: boolean
      }
      outbox_mark_sent: {
        Args: {
          p_claim_token: string
          p_id: string
          p_provider_message_id: string
        }
        Returns: boolean
      }
      outbox_requeue: { Args: { p_id: string }; Returns: boolean }
      payment_certificate: {
        Args: { p_customer_id: string; p_year: number }
        Returns: Json
      }
      payment_page: { Args: never; Returns: Json }
      payment_receipt: { Args: { p_attempt_id: string }; Returns: Json }
      payment_return_page: {
        Args: { p_attempt_id?: string; p_idop?: string }
        Returns: Json
      }
      payments_page: {
        Args: { p_before_at?: string; p_before_id?: string }
        Returns: Json
      }
      payments_to_reconcile: {
        Args: { p_limit: number }
        Returns: {
          created_at: string
          expires_at: string
          id: string
          idop: string
          past_window: boolean
          provider: "payfip_ws" | "tipi"
          refdet: string
          status:
            | "pending"
            | "paid"
            | "refused"
            | "abandoned"
            | "expired"
            | "error"
            | "reported"
            | "rejected"
        }[]
      }
      portal_home: {
        Args: never
        Returns: {
          announcement: string
          welcome_message: string
        }[]
      }
      portal_public_info: {
        Args: never
        Returns: {
          portal_name: string
        }[]
      }
      public_contact_services: {
        Args: never
        Returns: {
          general_info: string
          service_id: string
          service_name: string
        }[]
      }
      purge_expired: {
        Args: { p_batch?: number; p_dry_run?: boolean; p_now?: string }
        Returns: Json
      }
      queue_due_reminders: {
        Args: { p_accounts?: number; p_dry_run?: boolean }
        Returns: Json
      }
      queue_new_invoice_notices: {
        Args: { p_accounts?: number }
        Returns: Json
      }
      reject_reported_payment: {
        Args: { p_attempt_id: string; p_by: string; p_reason: string }
        Returns: Json
      }
      reminders_page: { Args: never; Returns: Json }
      reminders_unsubscribe: {
        Args: { p_account_id: string }
        Returns: boolean
      }
      request_paper_optout: {
        Args: never
        Returns: {
          customer_number: string
          requested_at: string
          service_name: string
        }[]
      }
      send_contact_message: {
        Args: { p_body: string; p_service_id: string; p_subject: string }
        Returns: string
      }
      send_public_contact_message: {
        Args: {
          p_body: string
          p_client: string
          p_customer_number: string
          p_email: string
          p_name: string
          p_service_id: string
          p_subject: string
        }
        Returns: Json
      }
      set_payment_idop: {
        Args: { p_attempt_id: string; p_idop: string }
        Returns: boolean
      }
      set_reminder_preferences: {
        Args: { p_due_soon: boolean; p_new_invoices: boolean }
        Returns: Json
      }
      staff_monthly_activity: {
        Args: { p_month?: string; p_numcli?: string }
        Returns: {
          accounts_activated: number
          customers: number
          customers_with_account: number
          emails_failed: number
          emails_sent: number
          month: string
          numcli: string
          paper_optouts: number
          payments_cents: number
          payments_count: number
          service_name: string
        }[]
      }
      staff_payments_to_confirm: {
        Args: { p_numcli?: string }
        Returns: {
          amount_cents: number
          attempt_id: string
          customer_names: string[]
          customer_numbers: string[]
          idop: string
          invoice_numbers: string[]
          numauto: string
          numcli: string
          provider: "payfip_ws" | "tipi"
          reason: string
          reason_label: string
          refdet: string
          reported_at: string
          service_name: string
          source_address: string
          started_at: string
          transaction_at: string
        }[]
      }
      staff_unlink_contract: {
        Args: { p_by: string; p_link_id: string; p_reason: string }
        Returns: Json
      }
      start_payment: { Args: { p_invoice_ids: string[] }; Returns: Json }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {},
  },
} as const
